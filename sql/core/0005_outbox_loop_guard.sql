-- The loop guard (the same text to the same number twice in ten minutes) looked among all of a number's
-- recent messages for equal texts: a craftsman offered many jobs made every notification to him slower.
-- This index finds the equal texts themselves.
CREATE INDEX sms_outbox_loop_idx ON sms_outbox (phone, md5(text), created_at);

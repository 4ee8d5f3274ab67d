-- A batch of handled messages' answers in one call (SMSInboundLog): one round trip and one commit for
-- several messages. Row by row on purpose: each UPDATE finds its row by primary key, whereas one
-- UPDATE … FROM unnest(…) was planned once, on a table still nearly empty, as a scan of the whole table,
-- and kept that plan as the table grew.
CREATE FUNCTION sms_record_answers(message_ids bigint[], member_ids bigint[], intent_names text[], slot_texts text[],
                                   reply_texts text[], segment_counts int[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1 .. coalesce(cardinality(message_ids), 0) LOOP
        UPDATE sms_inbound
        SET member_id = nullif(member_ids[i], 0), intent = intent_names[i], slots = slot_texts[i]::jsonb,
            reply = reply_texts[i], segments = segment_counts[i], answered = true
        WHERE id = message_ids[i];
    END LOOP;
END $$;

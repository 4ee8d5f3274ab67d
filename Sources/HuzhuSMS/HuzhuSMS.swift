/// The SMS layer: routing farmers' messages to intents. (Being written.)
public enum HuzhuSMSModule {}

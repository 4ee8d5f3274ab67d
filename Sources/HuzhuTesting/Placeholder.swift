enum _PlaceholderHuzhuTesting {}

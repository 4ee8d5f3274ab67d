import HuzhuctlCore
import Testing

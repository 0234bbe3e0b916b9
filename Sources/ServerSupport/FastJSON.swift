import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Small pieces of JSON written by hand on hot paths (access log, library list), where
/// Foundation's encoder and date formatting cost more than the rest of the request.
public enum FastJSON {
    /// Appends `string` as a JSON string literal (RFC 8259 escaping).
    public static func appendString(_ string: String, to out: inout String) {
        out += "\""
        // Most strings need no escaping: append them whole.
        if !string.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            out += string
            out += "\""
            return
        }
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// `2026-11-25T10:42:37.223Z`: UTC with milliseconds, the API's one date format.
    public static func timestamp(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = Int(interval.rounded(.down))
        var millis = Int(((interval - Double(seconds)) * 1000 + 0.001).rounded(.down))  // .349 is stored as .34899…
        if millis >= 1000 { seconds += 1; millis -= 1000 }
        return timestamp(seconds: seconds, millis: millis)
    }

    static func timestamp(seconds: Int, millis: Int) -> String {
        var parts = tm()
        var time = time_t(seconds)
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let fraction = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(fraction)Z"
    }

    /// The current time in that format.
    public static func now() -> String { timestamp(Date()) }
}

import Foundation
import Language

/// Calendar dates in the proleptic Gregorian calendar, in the machine's local time zone, as
/// Wolfram writes them: date lists `{y, m, d, h, min, s}`, `DateObject[list, granularity,
/// "Gregorian", zone]`, absolute times in seconds since 1 January 1900, and `DateString` formats.
enum Dates {
    /// A date: calendar fields and how many of them are meaningful (1 year .. 6 instant).
    struct Date {
        var year: Int, month = 1, day = 1, hour = 0, minute = 0
        var second: Double = 0
        var fields = 6

        /// Days since 1 January 1970 (Hinnant's days-from-civil).
        var days: Int {
            let y = month <= 2 ? year - 1 : year
            let era = (y >= 0 ? y : y - 399) / 400
            let yoe = y - era * 400
            let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
            return era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
        }
        /// 0 for Sunday.
        var weekday: Int { ((days + 4) % 7 + 7) % 7 }
        var absoluteTime: Double {
            Double(days - Date(year: 1900).days) * 86_400 + Double(hour * 3600 + minute * 60) + second
        }

        init(year: Int, month: Int = 1, day: Int = 1, hour: Int = 0, minute: Int = 0, second: Double = 0, fields: Int = 6) {
            (self.year, self.month, self.day, self.hour, self.minute, self.second, self.fields) = (year, month, day, hour, minute, second, fields)
        }

        /// The date `seconds` after 1 January 1970 00:00 (local clock).
        init(epochSeconds seconds: Double) {
            let days = Int((seconds / 86_400).rounded(.down))
            let rest = seconds - Double(days) * 86_400
            let z = days + 719_468
            let era = (z >= 0 ? z : z - 146_096) / 146_097
            let doe = z - era * 146_097
            let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
            let mp = (5 * doy + 2) / 153
            let month = mp < 10 ? mp + 3 : mp - 9
            self.init(year: yoe + era * 400 + (month <= 2 ? 1 : 0), month: month, day: doy - (153 * mp + 2) / 5 + 1,
                      hour: Int(rest / 3600), minute: Int(rest.truncatingRemainder(dividingBy: 3600) / 60),
                      second: rest.truncatingRemainder(dividingBy: 60))
        }

        /// The same instant with its fields brought into range (month 13 is January next year).
        var normalized: Date {
            let m = month - 1
            let y = year + Int((Double(m) / 12).rounded(.down))
            let first = Date(year: y, month: m - 12 * (y - year) + 1)
            let whole = second.rounded(.down)
            var d = Date(epochSeconds: Double(first.days + day - 1) * 86_400 + Double(hour * 3600 + minute * 60) + whole)
            d.second += second - whole
            d.fields = fields
            return d
        }
    }

    static let granularities = ["Year", "Month", "Day", "Hour", "Minute", "Instant"]
    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August",
                             "September", "October", "November", "December"]
    static let dayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static var zoneHours: Double { Double(TimeZone.current.secondsFromGMT()) / 3600 }

    static func now() -> Date {
        Date(epochSeconds: Foundation.Date().timeIntervalSince1970 + Double(TimeZone.current.secondsFromGMT()))
    }

    /// A date from a date list, a DateObject, an absolute time or an ISO date string.
    static func date(_ e: Expr) -> Date? {
        if let items = e.listItems, (1...6).contains(items.count) {
            var ints: [Int] = []
            for x in items.prefix(5) {
                guard let v = x.asInt, abs(v) < 1_000_000 else { return nil }
                ints.append(v)
            }
            var d = Date(year: ints[0], fields: items.count)
            if ints.count > 1 { d.month = ints[1] }
            if ints.count > 2 { d.day = ints[2] }
            if ints.count > 3 { d.hour = ints[3] }
            if ints.count > 4 { d.minute = ints[4] }
            if items.count == 6 {
                guard let s = items[5].doubleValue, s.isFinite, abs(s) < 1e9 else { return nil }
                d.second = s
            }
            return d.normalized
        }
        if e.hasHead(Symbol.intern("DateObject")), let first = e.args.first, var d = date(first) {
            if e.args.count > 1, let g = e.args[1].asString, let k = granularities.firstIndex(of: g) { d.fields = k + 1 }
            return d
        }
        if e.isNumber, let t = e.doubleValue, t.isFinite, abs(t) < 1e14 {
            return Date(epochSeconds: t + Double(Date(year: 1900).days) * 86_400)
        }
        if case .string(let s) = e { return parse(s) }
        return nil
    }

    /// `YYYY-MM-DD`, optionally followed by `THH:MM` or `THH:MM:SS` (or a space instead of T).
    static func parse(_ s: String) -> Date? {
        let parts = s.split(whereSeparator: { $0 == "T" || $0 == " " })
        guard (1...2).contains(parts.count) else { return nil }
        let ymd = parts[0].split(separator: "-").compactMap { Int($0) }
        guard ymd.count == 3, (1...12).contains(ymd[1]), (1...31).contains(ymd[2]) else { return nil }
        var d = Date(year: ymd[0], month: ymd[1], day: ymd[2], fields: 3)
        if parts.count == 2 {
            let hms = parts[1].split(separator: ":").compactMap { Double($0) }
            guard (2...3).contains(hms.count), (0..<24).contains(hms[0]), (0..<60).contains(hms[1]) else { return nil }
            d.hour = Int(hms[0]); d.minute = Int(hms[1]); d.second = hms.count == 3 ? hms[2] : 0
            d.fields = hms.count == 3 ? 6 : 5
        }
        return d
    }

    static func list(_ d: Date) -> Expr {
        let ints = [d.year, d.month, d.day, d.hour, d.minute].prefix(min(d.fields, 5)).map { Expr.integer($0) }
        return .list(Array(ints) + (d.fields == 6 ? [.real(d.second)] : []))
    }

    static func object(_ d: Date) -> Expr {
        .call(Symbol.intern("DateObject"), [list(d), .string(granularities[d.fields - 1]), .string("Gregorian"), .real(zoneHours)])
    }

    /// Named formats as lists of elements.
    static let formats: [String: [String]] = [
        "Date": ["DayName", " ", "DayShort", " ", "MonthName", " ", "Year"],
        "DateShort": ["DayNameShort", " ", "DayShort", " ", "MonthNameShort", " ", "Year"],
        "Time": ["Hour", ":", "Minute", ":", "Second"],
        "DateTime": ["DayName", " ", "DayShort", " ", "MonthName", " ", "Year", " ", "Hour", ":", "Minute", ":", "Second"],
        "DateTimeShort": ["DayNameShort", " ", "DayShort", " ", "MonthNameShort", " ", "Year", " ", "Hour", ":", "Minute", ":", "Second"],
        "ISODate": ["Year", "-", "Month", "-", "Day"],
        "ISODateTime": ["Year", "-", "Month", "-", "Day", "T", "Hour", ":", "Minute", ":", "Second"],
    ]

    /// The text of one element; other strings stand for themselves.
    static func element(_ name: String, _ d: Date) -> String {
        func two(_ n: Int) -> String { n < 10 && n >= 0 ? "0\(n)" : "\(n)" }
        let hour12 = d.hour % 12 == 0 ? 12 : d.hour % 12
        let second = Int(d.second.rounded(.down))
        switch name {
        case "Year": return "\(d.year)"
        case "YearShort": return two(((d.year % 100) + 100) % 100)
        case "Month": return two(d.month)
        case "MonthShort": return "\(d.month)"
        case "MonthName": return monthNames[d.month - 1]
        case "MonthNameShort": return String(monthNames[d.month - 1].prefix(3))
        case "MonthNameInitial": return String(monthNames[d.month - 1].prefix(1))
        case "Day": return two(d.day)
        case "DayShort": return "\(d.day)"
        case "DayName": return dayNames[d.weekday]
        case "DayNameShort": return String(dayNames[d.weekday].prefix(3))
        case "DayNameInitial": return String(dayNames[d.weekday].prefix(1))
        case "Hour", "Hour24": return two(d.hour)
        case "HourShort", "Hour24Short": return "\(d.hour)"
        case "Hour12": return two(hour12)
        case "Hour12Short": return "\(hour12)"
        case "AMPM": return d.hour < 12 ? "AM" : "PM"
        case "AMPMLowerCase": return d.hour < 12 ? "am" : "pm"
        case "Minute": return two(d.minute)
        case "MinuteShort": return "\(d.minute)"
        case "Second": return two(second)
        case "SecondShort": return "\(second)"
        case "Millisecond": return String(format: "%03d", Int(((d.second - Double(second)) * 1000).rounded(.down)))
        case "Quarter": return "\((d.month - 1) / 3 + 1)"
        case "QuarterName": return "Quarter \((d.month - 1) / 3 + 1)"
        case "QuarterNameShort": return "Q\((d.month - 1) / 3 + 1)"
        default: return formats[name].map { $0.map { element($0, d) }.joined() } ?? name
        }
    }

    /// The default format of a date with the given fields: DateTimeShort for a time, else DateShort.
    static func defaultFormat(_ d: Date) -> [String] {
        switch d.fields {
        case 1: return ["Year"]
        case 2: return ["MonthName", " ", "Year"]
        case 3: return ["DateShort"]
        default: return ["DateTimeShort"]
        }
    }

    static func string(_ d: Date, _ spec: Expr?) -> String? {
        guard let spec else { return defaultFormat(d).map { element($0, d) }.joined() }
        if case .string(let s) = spec { return element(s, d) }
        guard let items = spec.listItems else { return nil }
        var out = ""
        for i in items {
            guard case .string(let s) = i else { return nil }
            out += element(s, d)
        }
        return out
    }
}

extension Kernel {
    static var dateBuiltins: [Builtin] {
        [
            Builtin("DateObject", [.protected], usage: "DateObject[] gives the current date and time; DateObject[{y, m, d, ...}] the date given by a date list (its length sets the granularity: \"Day\", \"Instant\"...); DateObject[\"YYYY-MM-DD\"] an ISO date.",
                    arity: .between(0, 4), messages: ["str": "String `1` cannot be interpreted as a date."],
                    examples: [("DateObject[{2026, 11, 30}][[2]]", "Day"),
                               ("DateObject[{2026, 13, 1}][[1]]", "{2027, 1, 1}")]) { c in
                if c.count == 0 { return Dates.object(Dates.now()) }
                if c.count == 4 { return nil }
                guard var d = Dates.date(c[0]) else {
                    if case .string = c[0] { c.message("str", c[0]) }
                    return nil
                }
                if c.count >= 2 {
                    guard let g = c[1].asString, let k = Dates.granularities.firstIndex(of: g) else { return nil }
                    d.fields = k + 1
                }
                let out = Dates.object(d)
                return out == c.whole ? nil : out
            },
            Builtin("DateList", [.protected], usage: "DateList[] gives the current local date as {y, m, d, h, min, s}; DateList[date] that of a date, a DateObject, an absolute time or an ISO date string.",
                    arity: .between(0, 1), examples: [("DateList[{2026, 11, 30}]", "{2026, 11, 30, 0, 0, 0.}"), ("DateList[0]", "{1900, 1, 1, 0, 0, 0.}")]) { c in
                guard var d = c.count == 0 ? Dates.now() : Dates.date(c[0]) else { return nil }
                d.fields = 6
                return Dates.list(d)
            },
            Builtin("AbsoluteTime", [.protected], usage: "AbsoluteTime[] gives the seconds since 1 January 1900 in the local time zone; AbsoluteTime[date] those of a date.",
                    arity: .between(0, 1), examples: [("AbsoluteTime[{1900, 1, 2}]", "86400")]) { c in
                guard let d = c.count == 0 ? Dates.now() : Dates.date(c[0]) else { return nil }
                let t = d.absoluteTime
                return d.second == d.second.rounded() && c.count == 1 ? .integer(Int(t)) : .real(t)
            },
            Builtin("DateString", [.protected], usage: "DateString[] gives the current local date and time as \"Mon 30 Nov 2026 23:10:08\"; DateString[date] a date list, DateObject or absolute time; DateString[date, fmt] with a named format (\"ISODate\", \"DateTime\", \"Time\"...), an element (\"Year\", \"MonthName\", \"DayNameShort\"...) or a list of elements and literal strings.",
                    arity: .between(0, 2),
                    examples: [("DateString[{2026, 11, 30, 23, 10, 8}]", "Mon 30 Nov 2026 23:10:08"),
                               ("DateString[{2026, 11, 30}, \"ISODate\"]", "2026-11-30"),
                               ("DateString[{2026, 1, 5}, {\"DayName\", \", \", \"MonthName\", \" \", \"DayShort\"}]", "Monday, January 5")]) { c in
                var date: Dates.Date?, spec: Expr?
                switch c.count {
                case 0: date = Dates.now()
                case 1:
                    if let s = c[0].asString, Dates.formats[s] != nil || Dates.element(s, Dates.Date(year: 2000)) != s {
                        date = Dates.now(); spec = c[0]
                    } else if c[0].listItems?.first?.asString != nil {
                        date = Dates.now(); spec = c[0]
                    } else {
                        date = Dates.date(c[0])
                    }
                default: date = Dates.date(c[0]); spec = c[1]
                }
                guard let d = date, let s = Dates.string(d, spec) else { return nil }
                return .string(s)
            },
        ]
    }
}

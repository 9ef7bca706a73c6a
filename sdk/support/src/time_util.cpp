#include <asset_sdk/time_util.h>

#include <array>
#include <cstdint>
#include <limits>

namespace asset_sdk {

namespace {

// Howard Hinnant's proleptic-Gregorian conversions: pure arithmetic, so results never depend on
// the process time zone or locale (timegm/strptime do, and are not thread-safe everywhere).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
    std::int64_t year;
    unsigned month;
    unsigned day;
};

constexpr Civil civil_from_days(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {y + (m <= 2), m, d};
}

constexpr bool is_leap(std::int64_t y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

constexpr unsigned days_in_month(std::int64_t y, unsigned m) {
    constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Reads exactly `n` digits at `pos`, advancing it.
bool read_digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = s[pos + i];
        if (!is_digit(c)) return false;
        v = v * 10 + (c - '0');
    }
    pos += n;
    out = v;
    return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
    if (pos >= s.size() || s[pos] != c) return false;
    ++pos;
    return true;
}

struct Fields {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

bool valid(const Fields& f) {
    if (f.month < 1 || f.month > 12) return false;
    if (f.day < 1 || static_cast<unsigned>(f.day) > days_in_month(f.year, f.month)) return false;
    // 60 admits a leap second (RFC 3339); it is folded into the next minute like timegm does.
    return f.hour <= 23 && f.minute <= 59 && f.second <= 60;
}

SystemTime to_time_point(const Fields& f, std::chrono::nanoseconds frac) {
    const std::int64_t days = days_from_civil(f.year, f.month, f.day);
    const std::int64_t secs = days * 86400 + f.hour * 3600 + f.minute * 60 + f.second;
    return SystemTime(
        std::chrono::duration_cast<SystemTime::duration>(std::chrono::seconds(secs) + frac));
}

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kDays = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> kLongDays = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

bool read_month(std::string_view s, std::size_t& pos, int& month) {
    if (pos + 3 > s.size()) return false;
    const std::string_view m = s.substr(pos, 3);
    for (std::size_t i = 0; i < kMonths.size(); ++i) {
        if (m == kMonths[i]) {
            month = static_cast<int>(i) + 1;
            pos += 3;
            return true;
        }
    }
    return false;
}

// "HH:MM:SS"
bool read_clock(std::string_view s, std::size_t& pos, Fields& f) {
    return read_digits(s, pos, 2, f.hour) && expect(s, pos, ':') &&
           read_digits(s, pos, 2, f.minute) && expect(s, pos, ':') &&
           read_digits(s, pos, 2, f.second);
}

template <std::size_t N>
bool is_one_of(std::string_view name, const std::array<std::string_view, N>& names) {
    for (std::string_view n : names) {
        if (name == n) return true;
    }
    return false;
}

// "Sun, 06 Nov 1994 08:49:37 GMT"
std::optional<SystemTime> parse_imf_fixdate(std::string_view s) {
    if (s.size() != 29 || !is_one_of(s.substr(0, 3), kDays)) return std::nullopt;
    std::size_t pos = 3;
    Fields f;
    if (!expect(s, pos, ',') || !expect(s, pos, ' ') || !read_digits(s, pos, 2, f.day) ||
        !expect(s, pos, ' ') || !read_month(s, pos, f.month) || !expect(s, pos, ' ') ||
        !read_digits(s, pos, 4, f.year) || !expect(s, pos, ' ') || !read_clock(s, pos, f) ||
        s.substr(pos) != " GMT" || !valid(f)) {
        return std::nullopt;
    }
    return to_time_point(f, {});
}

// Obsolete RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT". Two-digit years: 70..99 → 19xx.
std::optional<SystemTime> parse_rfc850(std::string_view s) {
    const std::size_t comma = s.find(',');
    if (comma == std::string_view::npos || !is_one_of(s.substr(0, comma), kLongDays)) {
        return std::nullopt;
    }
    std::size_t pos = comma + 1;
    Fields f;
    int yy = 0;
    if (!expect(s, pos, ' ') || !read_digits(s, pos, 2, f.day) || !expect(s, pos, '-') ||
        !read_month(s, pos, f.month) || !expect(s, pos, '-') || !read_digits(s, pos, 2, yy) ||
        !expect(s, pos, ' ') || !read_clock(s, pos, f) || s.substr(pos) != " GMT") {
        return std::nullopt;
    }
    f.year = yy < 70 ? 2000 + yy : 1900 + yy;
    if (!valid(f)) return std::nullopt;
    return to_time_point(f, {});
}

// asctime: "Sun Nov  6 08:49:37 1994" (day space-padded).
std::optional<SystemTime> parse_asctime(std::string_view s) {
    if (s.size() != 24 || !is_one_of(s.substr(0, 3), kDays)) return std::nullopt;
    std::size_t pos = 3;
    Fields f;
    if (!expect(s, pos, ' ') || !read_month(s, pos, f.month) || !expect(s, pos, ' ')) {
        return std::nullopt;
    }
    if (s[pos] == ' ') {
        ++pos;
        if (!read_digits(s, pos, 1, f.day)) return std::nullopt;
    } else if (!read_digits(s, pos, 2, f.day)) {
        return std::nullopt;
    }
    if (!expect(s, pos, ' ') || !read_clock(s, pos, f) || !expect(s, pos, ' ') ||
        !read_digits(s, pos, 4, f.year) || pos != s.size() || !valid(f)) {
        return std::nullopt;
    }
    return to_time_point(f, {});
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

void append_padded(std::string& out, std::int64_t v, int width) {
    char buf[24];
    int n = 0;
    std::uint64_t u = static_cast<std::uint64_t>(v < 0 ? -v : v);
    do {
        buf[n++] = static_cast<char>('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0) out.push_back('-');
    for (int i = n; i < width; ++i) out.push_back('0');
    while (n > 0) out.push_back(buf[--n]);
}

}  // namespace

std::optional<SystemTime> parse_iso8601(std::string_view s) {
    std::size_t pos = 0;
    Fields f;
    if (!read_digits(s, pos, 4, f.year) || !expect(s, pos, '-') ||
        !read_digits(s, pos, 2, f.month) || !expect(s, pos, '-') ||
        !read_digits(s, pos, 2, f.day)) {
        return std::nullopt;
    }
    if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ')) return std::nullopt;
    ++pos;
    if (!read_clock(s, pos, f)) return std::nullopt;

    // Fractional seconds of any length; digits past nanoseconds are beyond the clock's
    // resolution and are read but ignored.
    std::int64_t frac_ns = 0;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        std::size_t digits = 0;
        while (pos < s.size() && is_digit(s[pos])) {
            if (digits < 9) frac_ns = frac_ns * 10 + (s[pos] - '0');
            ++digits;
            ++pos;
        }
        if (digits == 0) return std::nullopt;
        for (std::size_t i = digits; i < 9; ++i) frac_ns *= 10;
    }

    // Time zone: Z or ±hh:mm (±hhmm tolerated). A timestamp without one is ambiguous: rejected.
    if (pos >= s.size()) return std::nullopt;
    int offset_minutes = 0;
    if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
        const int sign = s[pos] == '-' ? -1 : 1;
        ++pos;
        int oh = 0, om = 0;
        if (!read_digits(s, pos, 2, oh)) return std::nullopt;
        if (pos < s.size() && s[pos] == ':') ++pos;
        if (!read_digits(s, pos, 2, om) || oh > 23 || om > 59) return std::nullopt;
        offset_minutes = sign * (oh * 60 + om);
    } else {
        return std::nullopt;
    }
    if (pos != s.size() || !valid(f)) return std::nullopt;
    // Local time = UTC + offset, so UTC = local − offset.
    return to_time_point(f, std::chrono::nanoseconds(frac_ns)) -
           std::chrono::minutes(offset_minutes);
}

std::string format_iso8601_ms(SystemTime t) {
    const std::int64_t ms = to_epoch_millis(t);
    // Floor division so instants before 1970 still get a valid time of day.
    std::int64_t days = ms / 86'400'000;
    std::int64_t ms_of_day = ms % 86'400'000;
    if (ms_of_day < 0) {
        ms_of_day += 86'400'000;
        --days;
    }
    const Civil c = civil_from_days(days);
    std::string out;
    out.reserve(24);
    append_padded(out, c.year, 4);
    out.push_back('-');
    append_padded(out, c.month, 2);
    out.push_back('-');
    append_padded(out, c.day, 2);
    out.push_back('T');
    append_padded(out, ms_of_day / 3'600'000, 2);
    out.push_back(':');
    append_padded(out, ms_of_day / 60'000 % 60, 2);
    out.push_back(':');
    append_padded(out, ms_of_day / 1000 % 60, 2);
    out.push_back('.');
    append_padded(out, ms_of_day % 1000, 3);
    out.push_back('Z');
    return out;
}

std::optional<SystemTime> parse_http_date(std::string_view text) {
    const std::string_view s = trim(text);
    if (auto t = parse_imf_fixdate(s)) return t;
    if (auto t = parse_rfc850(s)) return t;
    return parse_asctime(s);
}

std::optional<Millis> parse_duration(std::string_view text) {
    const std::string_view s = trim(text);
    if (s.empty()) return std::nullopt;

    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    // Bare integer: seconds.
    bool all_digits = true;
    for (char c : s) all_digits = all_digits && is_digit(c);
    if (all_digits) {
        std::int64_t v = 0;
        for (char c : s) {
            if (v > (kMax - (c - '0')) / 10) return std::nullopt;
            v = v * 10 + (c - '0');
        }
        if (v > kMax / 1000) return std::nullopt;
        return Millis(v * 1000);
    }

    // Components <digits><unit>, units strictly from larger to smaller ("1h30m", not "30m1h" or
    // "5s5s"), so every accepted string has one obvious meaning.
    struct Unit {
        std::string_view name;
        std::int64_t ms;
    };
    constexpr std::array<Unit, 5> kUnits = {
        {{"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1000}, {"ms", 1}}};
    std::size_t pos = 0;
    std::size_t next_unit = 0;  // index of the largest unit still allowed
    std::int64_t total = 0;
    while (pos < s.size()) {
        std::int64_t v = 0;
        const std::size_t start = pos;
        while (pos < s.size() && is_digit(s[pos])) {
            if (v > (kMax - (s[pos] - '0')) / 10) return std::nullopt;
            v = v * 10 + (s[pos] - '0');
            ++pos;
        }
        if (pos == start) return std::nullopt;  // sign, letter or junk where a number belongs
        std::size_t unit_end = pos;
        while (unit_end < s.size() && s[unit_end] >= 'a' && s[unit_end] <= 'z') ++unit_end;
        const std::string_view unit = s.substr(pos, unit_end - pos);
        std::size_t u = next_unit;
        while (u < kUnits.size() && kUnits[u].name != unit) ++u;
        if (u == kUnits.size()) return std::nullopt;
        if (v > kMax / kUnits[u].ms) return std::nullopt;
        const std::int64_t part = v * kUnits[u].ms;
        if (total > kMax - part) return std::nullopt;
        total += part;
        next_unit = u + 1;
        pos = unit_end;
    }
    return Millis(total);
}

std::string format_duration(Millis d) {
    std::int64_t ms = d.count();
    if (ms == 0) return "0s";
    std::string out;
    if (ms < 0) {
        out.push_back('-');
        if (ms == std::numeric_limits<std::int64_t>::min()) ms += 1;  // cannot negate; 1 ms off
        ms = -ms;
    }
    constexpr std::array<std::pair<std::int64_t, const char*>, 5> kUnits = {
        {{86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}, {1, "ms"}}};
    for (const auto& [unit_ms, name] : kUnits) {
        if (ms >= unit_ms) {
            out += std::to_string(ms / unit_ms);
            out += name;
            ms %= unit_ms;
        }
    }
    return out;
}

std::int64_t to_epoch_millis(SystemTime t) {
    return std::chrono::floor<Millis>(t.time_since_epoch()).count();
}

}  // namespace asset_sdk

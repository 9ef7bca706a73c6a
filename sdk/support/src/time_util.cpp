#include <asset_sdk/text.h>
#include <asset_sdk/time_util.h>

#include <curl/curl.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <limits>

namespace asset_sdk {

namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;
using std::chrono::year_month_day;

// SystemTime counts nanoseconds in 64 bits: it holds the years 1678 to 2261, and converting a
// time outside them overflows (undefined behaviour, found by the dates fuzz target). Such
// times are refused as unparsable rather than wrapped.
constexpr int kMinYear = 1678;
constexpr int kMaxYear = 2261;

bool representable(std::time_t t) {
    const auto limit =
        std::chrono::duration_cast<std::chrono::seconds>(SystemTime::duration::max()).count() - 1;
    return t > -limit && t < limit;
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

// "HH:MM:SS"
bool read_clock(std::string_view s, std::size_t& pos, int& hour, int& minute, int& second) {
    return read_digits(s, pos, 2, hour) && expect(s, pos, ':') && read_digits(s, pos, 2, minute) &&
           expect(s, pos, ':') && read_digits(s, pos, 2, second);
}

// The civil date and time of day of an instant, with <chrono>'s calendar (proleptic Gregorian,
// independent of the process time zone and locale).
struct Civil {
    year_month_day date;
    std::chrono::hh_mm_ss<std::chrono::milliseconds> time;
};

Civil civil(SystemTime t) {
    const auto ms = std::chrono::floor<Millis>(t);
    const sys_days days = std::chrono::floor<std::chrono::days>(ms);
    return {year_month_day(days), std::chrono::hh_mm_ss(ms - days)};
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

// "HH:MM:SS"
void append_clock(std::string& out, const Civil& c) {
    append_padded(out, c.time.hours().count(), 2);
    out.push_back(':');
    append_padded(out, c.time.minutes().count(), 2);
    out.push_back(':');
    append_padded(out, c.time.seconds().count(), 2);
}

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> kLongDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                       "Thursday", "Friday", "Saturday"};

// The three spellings of an HTTP date (RFC 9110 §5.6.7), weekday left out:
// IMF-fixdate ", 06 Nov 1994 08:49:37 GMT", RFC 850 ", 06-Nov-94 08:49:37 GMT" and asctime
// " Nov  6 08:49:37 1994".
enum class HttpDateForm { kImfFixdate, kRfc850, kAsctime };

std::string http_date_after_weekday(const Civil& c, HttpDateForm form) {
    const int d = static_cast<int>(static_cast<unsigned>(c.date.day()));
    const std::string_view mon = kMonths[static_cast<unsigned>(c.date.month()) - 1];
    const int y = static_cast<int>(c.date.year());
    std::string out;
    if (form == HttpDateForm::kAsctime) {
        out.append(" ").append(mon).append(d < 10 ? "  " : " ");
        append_padded(out, d, 1);
    } else {
        out.append(", ");
        append_padded(out, d, 2);
        out.append(form == HttpDateForm::kRfc850 ? "-" : " ").append(mon);
        out.append(form == HttpDateForm::kRfc850 ? "-" : " ");
        append_padded(out, form == HttpDateForm::kRfc850 ? y % 100 : y,
                      form == HttpDateForm::kRfc850 ? 2 : 4);
    }
    out.push_back(' ');
    append_clock(out, c);
    if (form == HttpDateForm::kAsctime) {
        out.push_back(' ');
        append_padded(out, y, 4);
    } else {
        out.append(" GMT");
    }
    return out;
}

template <std::size_t N>
bool is_one_of(std::string_view name, const std::array<std::string_view, N>& names) {
    for (std::string_view n : names) {
        if (name == n) return true;
    }
    return false;
}

// True when `text` is `when` spelled in one of the HTTP date forms (any weekday name: senders
// get it wrong, and the date says which day it is).
bool spells_http_date(std::string_view text, SystemTime when) {
    const Civil c = civil(when);
    const std::size_t space = text.find(' ');
    if (space == std::string_view::npos) return false;
    const std::string_view weekday = text.substr(0, space);
    const std::string_view rest = text.substr(space);
    if (weekday.ends_with(',')) {
        const std::string_view name = weekday.substr(0, weekday.size() - 1);
        return (is_one_of(name, kDays) &&
                rest == http_date_after_weekday(c, HttpDateForm::kImfFixdate).substr(1)) ||
               (is_one_of(name, kLongDays) &&
                rest == http_date_after_weekday(c, HttpDateForm::kRfc850).substr(1));
    }
    return is_one_of(weekday, kDays) && rest == http_date_after_weekday(c, HttpDateForm::kAsctime);
}

}  // namespace

// Hand-written on purpose: every device of every page goes through it (lastUpdated, created),
// and it was measured faster than the library alternatives; std::chrono::parse is not in GCC 12,
// and strptime/timegm depend on the locale and the process time zone. The calendar arithmetic is
// <chrono>'s.
std::optional<SystemTime> parse_iso8601(std::string_view s) {
    std::size_t pos = 0;
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (!read_digits(s, pos, 4, y) || !expect(s, pos, '-') || !read_digits(s, pos, 2, mo) ||
        !expect(s, pos, '-') || !read_digits(s, pos, 2, d)) {
        return std::nullopt;
    }
    if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ')) return std::nullopt;
    ++pos;
    if (!read_clock(s, pos, h, mi, sec)) return std::nullopt;

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
    const year_month_day date{year(y), month(static_cast<unsigned>(mo)),
                              day(static_cast<unsigned>(d))};
    // 60 admits a leap second (RFC 3339); it is folded into the next minute like timegm does.
    if (pos != s.size() || !date.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
    if (y < kMinYear || y > kMaxYear) return std::nullopt;
    // Local time = UTC + offset, so UTC = local − offset.
    const auto local = sys_days(date) + std::chrono::hours(h) + std::chrono::minutes(mi) +
                       std::chrono::seconds(sec) + std::chrono::nanoseconds(frac_ns);
    return std::chrono::time_point_cast<SystemTime::duration>(local -
                                                              std::chrono::minutes(offset_minutes));
}

std::string format_iso8601_ms(SystemTime t) {
    const Civil c = civil(t);
    std::string out;
    out.reserve(24);
    append_padded(out, static_cast<int>(c.date.year()), 4);
    out.push_back('-');
    append_padded(out, static_cast<unsigned>(c.date.month()), 2);
    out.push_back('-');
    append_padded(out, static_cast<unsigned>(c.date.day()), 2);
    out.push_back('T');
    append_clock(out, c);
    out.push_back('.');
    append_padded(out, c.time.subseconds().count(), 3);
    out.push_back('Z');
    return out;
}

// libcurl's curl_getdate does the parsing (locale- and time-zone-free, thread-safe). It is
// lenient: it takes "6 Nov", a missing or non-GMT zone, and rolls "29 Feb 2023" over to 1 March.
// So its answer is kept only when it spells back to exactly the text received in one of the
// three HTTP forms: a date that could mean something else is refused, not guessed.
std::optional<SystemTime> parse_http_date(std::string_view text) {
    const std::string s(trim(text));
    const time_t t = curl_getdate(s.c_str(), nullptr);
    if (t == -1 || !representable(t)) return std::nullopt;
    const SystemTime when = std::chrono::system_clock::from_time_t(t);
    if (!spells_http_date(s, when)) return std::nullopt;
    return when;
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

std::string format_duration(Millis d, DurationPrecision precision) {
    if (precision == DurationPrecision::kTenths && (d >= Millis(1000) || d <= Millis(-1000))) {
        const std::int64_t tenths = (d.count() + (d.count() < 0 ? -50 : 50)) / 100;
        const std::int64_t abs_tenths = tenths < 0 ? -tenths : tenths;
        // Appended piecewise: GCC 12 at -O3 reports a false -Wrestrict inside
        // "-" + std::string (its inlined insert at offset 0), as in url.cpp.
        std::string out(tenths < 0 ? "-" : "");
        out += std::to_string(abs_tenths / 10);
        out += '.';
        out += std::to_string(abs_tenths % 10);
        out += 's';
        return out;
    }
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

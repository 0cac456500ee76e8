#include "sim/quantity.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <vector>

namespace Curtain::Sim {

using nlohmann::json;

namespace {

using Wide = std::uint64_t; // 128 bits would carry more digits, but MSVC has no such type

enum class Format { DecimalSI, BinarySI, DecimalExponent };

// A parsed quantity: (-1 if negative) × mantissa × 10^exponent, and the suffix family it was written in.
struct Amount
{
    bool negative = false;
    Wide mantissa = 0;
    int exponent = 0;
    Format format = Format::DecimalSI;
    bool keepWritten = false; // kube keeps the client's text (see parseAmount)
};

// Beyond these the written text is kept as it is (kube computes with arbitrary precision there).
constexpr int maxDigits = 19;
constexpr int maxExponent = 100;

const std::array<const char *, 7> binarySuffixes = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

std::optional<int> decimalSuffix(const std::string &suffix)
{
    static const std::array<std::pair<const char *, int>, 10> suffixes = {
        {{"", 0}, {"n", -9}, {"u", -6}, {"m", -3}, {"k", 3}, {"M", 6}, {"G", 9}, {"T", 12}, {"P", 15}, {"E", 18}}};
    for (const auto &[text, exponent] : suffixes) {
        if (suffix == text) {
            return exponent;
        }
    }
    return std::nullopt;
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// value × base^times, or nullopt when it does not fit.
std::optional<Wide> scaled(Wide value, Wide base, int times)
{
    for (int i = 0; i < times; ++i) {
        if (value > std::numeric_limits<Wide>::max() / base) {
            return std::nullopt;
        }
        value *= base;
    }
    return value;
}

enum class Parsed { Ok, Invalid, TooLarge };

// apimachinery's grammar: an optional sign, digits with at most one point (at least one digit), then
// nothing, an SI or binary suffix, or e/E and a signed integer.
Parsed parseAmount(const std::string &text, Amount *amount)
{
    std::size_t at = 0;
    if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
        amount->negative = text[at] == '-';
        ++at;
    }
    std::string digits; // every digit, the fraction's too, as written
    int fractionDigits = 0;
    bool point = false;
    for (; at < text.size() && (isDigit(text[at]) || text[at] == '.'); ++at) {
        if (text[at] == '.') {
            if (point) {
                return Parsed::Invalid;
            }
            point = true;
        } else {
            digits += text[at];
            fractionDigits += point ? 1 : 0;
        }
    }
    if (digits.empty()) {
        return Parsed::Invalid;
    }
    const std::string written = digits;
    digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size())); // leading zeros add nothing
    const std::string suffix = text.substr(at);
    int exponent = -fractionDigits;
    int binaryPower = 0;
    if (const auto si = decimalSuffix(suffix)) {
        exponent += *si;
        amount->format = Format::DecimalSI;
    } else if (const auto binary = std::find(binarySuffixes.begin() + 1, binarySuffixes.end(), suffix);
               binary != binarySuffixes.end()) {
        binaryPower = static_cast<int>(binary - binarySuffixes.begin());
        amount->format = Format::BinarySI;
    } else if (suffix[0] == 'e' || suffix[0] == 'E') {
        std::size_t digit = 1;
        const bool minus = suffix.size() > 1 && suffix[1] == '-';
        if (suffix.size() > 1 && (suffix[1] == '-' || suffix[1] == '+')) {
            digit = 2;
        }
        if (digit == suffix.size() || !std::all_of(suffix.begin() + static_cast<long>(digit), suffix.end(), isDigit)) {
            return Parsed::Invalid;
        }
        if (suffix.size() - digit > 4) {
            return Parsed::TooLarge;
        }
        const int power = std::stoi(suffix.substr(digit));
        exponent += minus ? -power : power;
        amount->format = Format::DecimalExponent;
    } else {
        return Parsed::Invalid;
    }
    // apimachinery keeps the text as written when it reads it on its fast path and the text looks
    // canonical: decimal with a scale that is a multiple of 3 and at least milli, no trailing "000"
    // and no leading zero ("1.250", "+1", "1E3", "100m"); binary without a fraction and with a
    // number that is not a multiple of 8 ("1Gi", "1100Ki"). Anything else is written anew.
    if (binaryPower > 0) {
        amount->keepWritten = fractionDigits == 0 && static_cast<int>(written.size()) + binaryPower * 3 <= 14 &&
                              (std::stoll(written) & 0x07) != 0;
    } else {
        amount->keepWritten = written.size() <= 18 && exponent >= -3 && exponent % 3 == 0 && written[0] != '0' &&
                              !(written.size() >= 3 && written.ends_with("000"));
    }
    while (!digits.empty() && digits.back() == '0') { // 1000 is 1e3: fewer digits to carry
        digits.pop_back();
        ++exponent;
    }
    if (static_cast<int>(digits.size()) > maxDigits || exponent > maxExponent || exponent < -maxExponent) {
        return Parsed::TooLarge;
    }
    Wide mantissa = 0;
    for (const char c : digits) {
        const auto shifted = scaled(mantissa, 10, 1);
        if (!shifted || *shifted > std::numeric_limits<Wide>::max() - static_cast<Wide>(c - '0')) {
            return Parsed::TooLarge;
        }
        mantissa = *shifted + static_cast<Wide>(c - '0');
    }
    const auto inBytes = scaled(mantissa, 1024, binaryPower);
    if (!inBytes) {
        return Parsed::TooLarge;
    }
    amount->mantissa = *inBytes;
    amount->exponent = exponent;
    return Parsed::Ok;
}

std::string decimalText(Wide value)
{
    if (value == 0) {
        return "0";
    }
    std::string text;
    for (; value > 0; value /= 10) {
        text.insert(text.begin(), static_cast<char>('0' + static_cast<int>(value % 10)));
    }
    return text;
}

// Rounded up (away from zero) to milli, as kube's defaulting rounds every request and limit; then
// without trailing zeros.
void normalize(Amount &amount)
{
    if (amount.exponent < -3) {
        const auto divisor = scaled(1, 10, -3 - amount.exponent);
        if (!divisor) {
            amount.mantissa = amount.mantissa == 0 ? 0 : 1;
        } else {
            amount.mantissa = amount.mantissa / *divisor + (amount.mantissa % *divisor != 0 ? 1 : 0);
        }
        amount.exponent = -3;
    }
    while (amount.mantissa != 0 && amount.mantissa % 10 == 0) {
        amount.mantissa /= 10;
        ++amount.exponent;
    }
    if (amount.mantissa == 0) {
        amount.exponent = 0;
        amount.negative = false;
    }
}

// The canonical text, or nullopt when it would not fit in 64 bits (the written text is kept then).
std::optional<std::string> canonicalText(Amount amount)
{
    normalize(amount);
    const std::string sign = amount.negative ? "-" : "";
    if (amount.format == Format::BinarySI && amount.exponent >= 0) {
        // Binary only for whole numbers of at least 1024; anything else reads as decimal.
        const auto whole = scaled(amount.mantissa, 10, amount.exponent);
        if (whole && *whole >= 1024) {
            Wide rest = *whole;
            std::size_t suffix = 0;
            while (suffix + 1 < binarySuffixes.size() && rest % 1024 == 0) {
                rest /= 1024;
                ++suffix;
            }
            return sign + decimalText(rest) + binarySuffixes[suffix];
        }
    }
    // Decimal: the exponent down to a multiple of three, the mantissa padded to match.
    const int padding = ((amount.exponent % 3) + 3) % 3;
    const auto padded = scaled(amount.mantissa, 10, padding);
    if (!padded) {
        return std::nullopt;
    }
    const int exponent = amount.exponent - padding;
    const std::string number = sign + decimalText(*padded);
    if (amount.format == Format::DecimalExponent || exponent > 18) {
        return exponent == 0 ? number : number + "e" + std::to_string(exponent);
    }
    static const std::array<const char *, 10> si = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
    return number + si[static_cast<std::size_t>((exponent + 9) / 3)];
}

json *member(json *parent, const char *key)
{
    if (!parent || !parent->is_object()) {
        return nullptr;
    }
    const auto it = parent->find(key);
    return it == parent->end() ? nullptr : &*it;
}

// The pod spec a kind carries, where its quantities are; null for kinds without one.
json *podSpecOf(const ResourceType &type, json &object)
{
    json *spec = nullptr;
    if (type.builtin && type.kind == "Pod") {
        spec = member(&object, "spec");
    } else if (type.builtin && (type.kind == "Deployment" || type.kind == "ReplicaSet")) {
        spec = member(member(member(&object, "spec"), "template"), "spec");
    }
    return spec && spec->is_object() ? spec : nullptr;
}

// Each quantity of a name → quantity map with its canonical text, for writing once all are known;
// false at the first value that is not a quantity.
bool collect(json &map, std::vector<std::pair<json *, std::string>> &rewrites)
{
    if (!map.is_object()) {
        return true; // a wrong shape is not a quantity's problem
    }
    for (json &value : map) {
        const auto canonical = value.is_null() ? std::optional<std::string>("0") // Go's zero Quantity
                                               : canonicalQuantity(value);
        if (!canonical) {
            return false;
        }
        rewrites.emplace_back(&value, *canonical);
    }
    return true;
}

// -1, 0 or 1 as |a| is less than, equal to or greater than |b| (both normalized).
int compareMagnitude(const Amount &a, const Amount &b)
{
    if (a.mantissa == 0 || b.mantissa == 0) {
        return int(a.mantissa != 0) - int(b.mantissa != 0);
    }
    const bool aHigher = a.exponent >= b.exponent;
    const Amount &higher = aHigher ? a : b;
    const Amount &lower = aHigher ? b : a;
    const auto lifted = scaled(higher.mantissa, 10, higher.exponent - lower.exponent);
    const int higherVsLower = !lifted ? 1 : int(*lifted > lower.mantissa) - int(*lifted < lower.mantissa);
    return aHigher ? higherVsLower : -higherVsLower;
}

std::optional<std::string> quantityText(const json &value)
{
    if (value.is_string()) {
        return value.get<std::string>();
    }
    if (value.is_number()) {
        return value.dump(); // as Go reads an unquoted number: its literal text
    }
    return std::nullopt;
}

// A quantity past 64 bits (its grammar checked) exactly: its decimal digits, without a sign or
// leading and trailing zeros (a binary suffix multiplied in), and the power of ten that scales them.
struct LongAmount
{
    bool negative = false;
    std::string digits; // empty for zero
    long exponent = 0;
};

// digits × factor, in decimal text.
void multiplyDigits(std::string &digits, unsigned factor)
{
    unsigned long carry = 0;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
        carry += static_cast<unsigned long>(*it - '0') * factor;
        *it = static_cast<char>('0' + carry % 10);
        carry /= 10;
    }
    for (; carry > 0; carry /= 10) {
        digits.insert(digits.begin(), static_cast<char>('0' + carry % 10));
    }
}

LongAmount longAmount(const std::string &text)
{
    LongAmount amount;
    std::size_t at = 0;
    if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
        amount.negative = text[at++] == '-';
    }
    long fractionDigits = 0;
    bool point = false;
    for (; at < text.size() && (isDigit(text[at]) || text[at] == '.'); ++at) {
        if (text[at] == '.') {
            point = true;
        } else {
            amount.digits += text[at];
            fractionDigits += point ? 1 : 0;
        }
    }
    const std::string suffix = text.substr(at);
    amount.exponent = -fractionDigits;
    if (const auto si = decimalSuffix(suffix)) {
        amount.exponent += *si;
    } else if (const auto binary = std::find(binarySuffixes.begin() + 1, binarySuffixes.end(), suffix);
               binary != binarySuffixes.end()) {
        for (auto power = binary - binarySuffixes.begin(); power > 0; --power) {
            multiplyDigits(amount.digits, 1024);
        }
    } else if (!suffix.empty()) { // e±N, its leading zeros dropped; past a billion as good as infinite
        const std::size_t digit = suffix.size() > 1 && (suffix[1] == '-' || suffix[1] == '+') ? 2 : 1;
        std::string power = suffix.substr(digit);
        power.erase(0, std::min(power.find_first_not_of('0'), power.size() - 1));
        const long magnitude = power.size() > 9 ? 1'000'000'000L : std::stol(power);
        amount.exponent += suffix[1] == '-' ? -magnitude : magnitude;
    }
    amount.digits.erase(0, std::min(amount.digits.find_first_not_of('0'), amount.digits.size()));
    while (!amount.digits.empty() && amount.digits.back() == '0') {
        amount.digits.pop_back();
        ++amount.exponent;
    }
    return amount;
}

// -1, 0 or 1: the sign of a quantity past 64 bits, exactly (its approximation can underflow to zero).
int longSign(const std::string &text)
{
    const LongAmount amount = longAmount(text);
    return amount.digits.empty() ? 0 : (amount.negative ? -1 : 1);
}

// Whether a quantity past 64 bits, rounded up to milli, is whole: exact, from its digits.
bool longIsWhole(const std::string &text)
{
    const LongAmount amount = longAmount(text);
    if (amount.digits.empty() || amount.exponent >= 0) {
        return true;
    }
    // Below a milli there is a remainder (the last digit is not 0), so rounding up adds one milli:
    // whole only when the millis before it end in 999. At a milli or above, never.
    const unsigned long belowMilli = static_cast<unsigned long>(-amount.exponent);
    if (belowMilli <= 3) {
        return false;
    }
    const std::size_t cut = belowMilli - 3;
    const std::string millis =
        cut >= amount.digits.size() ? std::string() : amount.digits.substr(0, amount.digits.size() - cut);
    return millis.size() >= 3 && millis.ends_with("999");
}

// The value of a quantity past 64 bits of mantissa (or with an exponent past ±100), approximately:
// enough to tell its order against the small numbers requests and limits hold.
long double approximateAmount(const std::string &text)
{
    char *end = nullptr;
    long double value = std::strtold(text.c_str(), &end); // the grammar was checked: digits, a point, e±N
    const std::string suffix(end);
    if (const auto si = decimalSuffix(suffix)) {
        value *= std::pow(10.0L, *si);
    } else if (const auto binary = std::find(binarySuffixes.begin() + 1, binarySuffixes.end(), suffix);
               binary != binarySuffixes.end()) {
        value *= std::pow(1024.0L, static_cast<int>(binary - binarySuffixes.begin()));
    }
    return value;
}

} // namespace

std::optional<std::string> canonicalQuantity(const json &value)
{
    const auto written = quantityText(value);
    if (!written) {
        return std::nullopt;
    }
    const std::string &text = *written;
    if (text.empty() || text.size() > 256) {
        return std::nullopt;
    }
    Amount amount;
    switch (parseAmount(text, &amount)) {
    case Parsed::Ok:
        if (amount.keepWritten) {
            return text;
        }
        if (auto canonical = canonicalText(amount)) {
            return canonical;
        }
        return text;
    case Parsed::TooLarge:
        return text;
    case Parsed::Invalid:
        break;
    }
    return std::nullopt;
}

std::optional<ApiStatus> canonicalizeQuantities(const ResourceType &type, json &object)
{
    json *podSpec = podSpecOf(type, object);
    if (!podSpec) {
        return std::nullopt;
    }
    std::vector<std::pair<json *, std::string>> rewrites;
    bool ok = true;
    for (const char *list : {"containers", "initContainers", "ephemeralContainers"}) {
        json *containers = member(podSpec, list);
        if (!containers || !containers->is_array()) {
            continue;
        }
        for (json &container : *containers) {
            json *resources = member(&container, "resources");
            for (const char *kind : {"limits", "requests"}) {
                json *map = member(resources, kind);
                ok = ok && (!map || collect(*map, rewrites));
            }
        }
    }
    json *overhead = member(podSpec, "overhead");
    ok = ok && (!overhead || collect(*overhead, rewrites));
    if (ok) {
        for (auto &[value, canonical] : rewrites) { // all or nothing: a refused object stays as sent
            *value = std::move(canonical);
        }
        return std::nullopt;
    }
    return ApiStatus{400, "BadRequest",
                     type.kind + " in version \"" + type.version + "\" cannot be handled as a " + type.kind +
                         ": quantities must match the regular expression "
                         "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"};
}

std::optional<int> compareQuantities(const json &a, const json &b)
{
    const auto leftText = quantityText(a);
    const auto rightText = quantityText(b);
    if (!leftText || !rightText) {
        return std::nullopt;
    }
    Amount left;
    Amount right;
    const Parsed leftParsed = parseAmount(*leftText, &left);
    const Parsed rightParsed = parseAmount(*rightText, &right);
    if (leftParsed == Parsed::Invalid || rightParsed == Parsed::Invalid) {
        return std::nullopt;
    }
    if (leftParsed == Parsed::TooLarge || rightParsed == Parsed::TooLarge) {
        const long double l = approximateAmount(*leftText);
        const long double r = approximateAmount(*rightText);
        if (l == r) { // within a rounding error, or both underflowed: their signs still differ exactly
            const int leftSign = longSign(*leftText);
            const int rightSign = longSign(*rightText);
            return int(leftSign > rightSign) - int(leftSign < rightSign);
        }
        return int(l > r) - int(l < r);
    }
    normalize(left); // both rounded up to milli, as kube's defaulting rounds requests and limits
    normalize(right);
    if (left.negative != right.negative) {
        return left.negative ? -1 : 1; // zero is never negative once normalized
    }
    const int magnitude = compareMagnitude(left, right);
    return left.negative ? -magnitude : magnitude;
}

namespace {

// A quantity as a whole number, rounded up as apimachinery's Value() rounds; nullopt past 64 bits.
std::optional<Wide> wholeValue(const std::string &text, bool *negative)
{
    Amount amount;
    if (parseAmount(text, &amount) != Parsed::Ok) {
        return std::nullopt;
    }
    *negative = amount.negative;
    if (amount.exponent >= 0) {
        return scaled(amount.mantissa, 10, amount.exponent);
    }
    const auto divisor = scaled(1, 10, -amount.exponent);
    if (!divisor) {
        return amount.mantissa == 0 ? 0 : 1;
    }
    return amount.mantissa / *divisor + (amount.mantissa % *divisor != 0 ? 1 : 0);
}

} // namespace

std::optional<bool> isHugePageMultiple(const std::string &pageSize, const json &value)
{
    const auto text = quantityText(value);
    bool pageNegative = false;
    bool valueNegative = false;
    Amount page;
    if (parseAmount(pageSize, &page) != Parsed::Ok) {
        return false; // kube: a page size that is no quantity divides nothing
    }
    normalize(page);
    const auto pageBytes = wholeValue(pageSize, &pageNegative);
    if (pageNegative || page.mantissa == 0 || page.exponent < 0 || !pageBytes || *pageBytes == 0) {
        return false;
    }
    const auto bytes = text ? wholeValue(*text, &valueNegative) : std::nullopt;
    if (!bytes) {
        return std::nullopt;
    }
    return *bytes % *pageBytes == 0;
}

void defaultPodRequests(const ResourceType &type, json &object)
{
    if (!type.builtin || type.kind != "Pod") {
        return;
    }
    json *podSpec = member(&object, "spec");
    for (const char *list : {"containers", "initContainers"}) {
        json *containers = member(podSpec, list);
        if (!containers || !containers->is_array()) {
            continue;
        }
        for (json &container : *containers) {
            json *resources = member(&container, "resources");
            json *limits = member(resources, "limits");
            if (!limits || !limits->is_object() || limits->empty()) {
                continue;
            }
            json &requests = (*resources)["requests"];
            if (requests.is_null()) {
                requests = json::object();
            }
            if (!requests.is_object()) {
                continue; // not a ResourceList: validation names it
            }
            for (const auto &[name, limit] : limits->items()) {
                if (!requests.contains(name)) {
                    requests[name] = limit;
                }
            }
        }
    }
}

std::optional<bool> isWholeQuantity(const json &value)
{
    const auto text = quantityText(value);
    if (!text) {
        return std::nullopt;
    }
    Amount amount;
    switch (parseAmount(*text, &amount)) {
    case Parsed::Invalid:
        return std::nullopt;
    case Parsed::TooLarge:
        return longIsWhole(*text);
    case Parsed::Ok:
        break;
    }
    normalize(amount); // no trailing zeros left: a fraction is a negative exponent
    return amount.exponent >= 0;
}

} // namespace Curtain::Sim

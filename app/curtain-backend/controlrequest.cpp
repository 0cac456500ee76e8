#include "controlrequest.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <charconv>
#include <utility>
#include <vector>

namespace Curtain::Backend {

namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

int hexDigit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

std::string percentDecoded(std::string_view text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out += ' ';
        } else if (text[i] == '%' && i + 2 < text.size() && hexDigit(text[i + 1]) >= 0 && hexDigit(text[i + 2]) >= 0) {
            out += char(hexDigit(text[i + 1]) * 16 + hexDigit(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

Fields formFields(std::string_view body)
{
    Fields fields;
    while (!body.empty()) {
        const auto amp = body.find('&');
        const std::string_view pair = body.substr(0, amp);
        if (!pair.empty()) {
            const auto eq = pair.find('=');
            fields.emplace_back(percentDecoded(pair.substr(0, eq)),
                                eq == std::string_view::npos ? std::string() : percentDecoded(pair.substr(eq + 1)));
        }
        if (amp == std::string_view::npos) {
            break;
        }
        body.remove_prefix(amp + 1);
    }
    return fields;
}

// A JSON object's members as text, as a form would carry them; an error names what is wrong.
std::variant<Fields, std::string> jsonFields(std::string_view body)
{
    QJsonParseError problem;
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray(body.data(), qsizetype(body.size())), &problem);
    if (problem.error != QJsonParseError::NoError || !document.isObject()) {
        return std::string("the body is not a JSON object, e.g. {\"error-rate\": 0.03}");
    }
    Fields fields;
    const QJsonObject object = document.object();
    for (auto it = object.begin(); it != object.end(); ++it) {
        const std::string name = it.key().toStdString();
        const QJsonValue value = it.value();
        if (value.isDouble()) {
            fields.emplace_back(name, QByteArray::number(value.toDouble(), 'g', 17).toStdString());
        } else if (value.isBool()) {
            fields.emplace_back(name, value.toBool() ? "true" : "false");
        } else if (value.isString()) {
            fields.emplace_back(name, value.toString().toStdString());
        } else {
            return "field \"" + name + "\" must be a number, a string or a boolean";
        }
    }
    return fields;
}

std::string shown(const std::string &text)
{
    std::string out;
    for (const char c : text.substr(0, 60)) {
        out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
    }
    return text.size() > 60 ? out + "…" : out;
}

} // namespace

std::variant<Behaviour, std::string> applyControl(const Behaviour &current, std::string_view contentType,
                                                  std::string_view body)
{
    Fields fields;
    const bool json = contentType.starts_with("application/json") || body.starts_with('{');
    if (json) {
        auto parsed = jsonFields(body);
        if (auto *error = std::get_if<std::string>(&parsed)) {
            return *error;
        }
        fields = std::get<Fields>(std::move(parsed));
    } else {
        fields = formFields(body);
    }
    if (fields.empty()) {
        return std::string("no settings given: send error-rate, latency, p99 or healthy, e.g. error-rate=0.03");
    }
    Behaviour next = current;
    bool latencyGiven = false;
    bool p99Given = false;
    for (const auto &[name, value] : fields) {
        if (name == "error-rate") {
            double rate = -1;
            const auto [end, problem] = std::from_chars(value.data(), value.data() + value.size(), rate);
            if (value.empty() || problem != std::errc() || end != value.data() + value.size() ||
                !(rate >= 0.0 && rate <= 1.0)) {
                return "error-rate \"" + shown(value) + "\" is not a share from 0 to 1, e.g. 0.03";
            }
            next.errorRate = rate;
        } else if (name == "latency" || name == "p99") {
            const auto duration = parseDuration(value);
            if (!duration) {
                return name + " \"" + shown(value) + "\" is not a duration with its unit, e.g. 50ms";
            }
            (name == "latency" ? next.latency : next.p99) = *duration;
            (name == "latency" ? latencyGiven : p99Given) = true;
        } else if (name == "healthy") {
            if (value != "true" && value != "false" && value != "1" && value != "0") {
                return "healthy \"" + shown(value) + "\" is not true or false";
            }
            next.healthy = value == "true" || value == "1";
        } else {
            return "unknown field \"" + shown(name) + "\": the fields are error-rate, latency, p99 and healthy";
        }
    }
    if (latencyGiven && !p99Given) {
        next.p99 = scaledP99(current, next.latency);
        // Scaled, it may pass the hour a duration may name (found by fuzz_backendcontrol: latency=504s
        // made a p99 of 4032s that /control answered with and could not read back).
        if (next.p99 > Micros(3'600'000'000LL)) {
            return "latency " + formatDuration(next.latency) + " would make p99 " + formatDuration(next.p99) +
                   " at the present spread, over the 1 h limit: give p99 too";
        }
    }
    if (next.p99 < next.latency) {
        return "p99 " + formatDuration(next.p99) + " is below latency " + formatDuration(next.latency) +
               ": the 99th percentile cannot be under the median";
    }
    if (next.latency.count() == 0 && next.p99.count() > 0) {
        return "p99 " + formatDuration(next.p99) + " needs a latency above 0: a median of 0 has no spread";
    }
    return next;
}

std::string behaviourJson(const Behaviour &behaviour)
{
    QJsonObject object;
    object.insert(QStringLiteral("error-rate"), behaviour.errorRate);
    object.insert(QStringLiteral("latency"), QString::fromStdString(formatDuration(behaviour.latency)));
    object.insert(QStringLiteral("p99"), QString::fromStdString(formatDuration(behaviour.p99)));
    object.insert(QStringLiteral("healthy"), behaviour.healthy);
    return QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString() + "\n";
}

} // namespace Curtain::Backend

#include "sim/flaggercanary.h"

#include "sim/jsonread.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace Curtain::Sim {

using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// Reads fields the way Go's encoding/json fills a struct: a missing field or null keeps the zero
// value, a value of another JSON type fails the whole decode (`ok` turns false and stays so).
class GoDecoder
{
public:
    bool ok = true;

    // The object at `key` of `parent` (empty when missing or null); fails on any other type.
    json object(const json &parent, const char *key)
    {
        const json *value = field(parent, key);
        if (!value || value->is_null()) {
            return json::object();
        }
        ok = ok && value->is_object();
        return value->is_object() ? *value : json::object();
    }
    json list(const json &parent, const char *key)
    {
        const json *value = field(parent, key);
        if (!value || value->is_null()) {
            return json::array();
        }
        ok = ok && value->is_array();
        return value->is_array() ? *value : json::array();
    }
    void text(const json &parent, const char *key, std::string &out)
    {
        if (const json *value = field(parent, key); value && !value->is_null()) {
            ok = ok && value->is_string();
            out = value->is_string() ? value->get<std::string>() : out;
        }
    }
    void integer(const json &parent, const char *key, long long &out) { integerValue(field(parent, key), out); }
    void integerValue(const json *value, long long &out)
    {
        if (value && !value->is_null()) {
            // Go refuses 10.5 and "10" for an int; nlohmann keeps 10.0 a float, and so does Go's decoder.
            ok = ok && value->is_number_integer();
            out = value->is_number_integer() ? value->get<long long>() : out;
        }
    }
    void number(const json &parent, const char *key, std::optional<double> &out)
    {
        if (const json *value = field(parent, key); value && !value->is_null()) {
            ok = ok && value->is_number();
            out = value->is_number() ? std::optional<double>(value->get<double>()) : out;
        }
    }
    void boolean(const json &parent, const char *key, bool &out)
    {
        if (const json *value = field(parent, key); value && !value->is_null()) {
            ok = ok && value->is_boolean();
            out = value->is_boolean() ? value->get<bool>() : out;
        }
    }
    // A map[string]string: an object whose values are strings.
    void stringMap(const json &parent, const char *key)
    {
        for (const json &value : object(parent, key)) {
            ok = ok && (value.is_string() || value.is_null());
        }
    }

private:
    static const json *field(const json &parent, const char *key)
    {
        if (!parent.is_object()) {
            return nullptr;
        }
        const auto it = parent.find(key);
        return it == parent.end() ? nullptr : &*it;
    }
};

void readAnalysis(GoDecoder &go, const json &analysis, FlaggerCanary &canary)
{
    go.text(analysis, "interval", canary.intervalText);
    go.integer(analysis, "threshold", canary.threshold);
    go.integer(analysis, "maxWeight", canary.maxWeight);
    go.integer(analysis, "stepWeight", canary.stepWeight);
    go.integer(analysis, "stepWeightPromotion", canary.stepWeightPromotion);
    go.integer(analysis, "iterations", canary.iterations);
    bool mirror = false;
    go.boolean(analysis, "mirror", mirror);
    for (const json &weight : go.list(analysis, "stepWeights")) {
        long long value = 0;
        go.integerValue(&weight, value);
        canary.stepWeights.push_back(value);
    }
    canary.hasMatch = !go.list(analysis, "match").empty();
    for (const json &hook : go.list(analysis, "webhooks")) {
        FlaggerWebhook webhook;
        go.ok = go.ok && (hook.is_object() || hook.is_null());
        go.text(hook, "name", webhook.name);
        go.text(hook, "type", webhook.type);
        go.text(hook, "url", webhook.url);
        std::string timeout;
        go.text(hook, "timeout", timeout);
        go.stringMap(hook, "metadata");
        webhook.metadata = go.object(hook, "metadata");
        canary.webhooks.push_back(webhook);
    }
    for (const json &entry : go.list(analysis, "metrics")) {
        FlaggerMetric metric;
        go.ok = go.ok && (entry.is_object() || entry.is_null());
        go.text(entry, "name", metric.name);
        go.number(entry, "threshold", metric.threshold);
        const json range = go.object(entry, "thresholdRange");
        go.number(range, "min", metric.min);
        go.number(range, "max", metric.max);
        std::string text;
        go.text(entry, "interval", text);
        go.text(entry, "query", text);
        go.object(entry, "templateRef");
        canary.metrics.push_back(metric);
    }
}

void readService(GoDecoder &go, const json &service, FlaggerCanary &canary)
{
    go.text(service, "name", canary.serviceName);
    go.integer(service, "port", canary.port);
    std::string portName;
    go.text(service, "portName", portName);
    // targetPort is an IntOrString.
    if (const auto it = service.find("targetPort"); it != service.end()) {
        go.ok = go.ok && (it->is_null() || it->is_string() || it->is_number_integer());
    }
    canary.gatewayRefs = go.list(service, "gatewayRefs");
    for (const json &ref : canary.gatewayRefs) {
        go.ok = go.ok && ref.is_object();
    }
    for (const json &host : go.list(service, "hosts")) {
        std::string text;
        go.ok = go.ok && host.is_string();
        canary.hosts.push_back(host.is_string() ? host.get<std::string>() : text);
    }
}

void readStatus(GoDecoder &go, const json &status, FlaggerCanary &canary)
{
    go.text(status, "phase", canary.phase);
    go.integer(status, "canaryWeight", canary.canaryWeight);
    go.integer(status, "failedChecks", canary.failedChecks);
    go.integer(status, "iterations", canary.iterationsDone);
    go.text(status, "lastAppliedSpec", canary.lastAppliedSpec);
    go.text(status, "lastPromotedSpec", canary.lastPromotedSpec);
    std::string time;
    go.text(status, "lastTransitionTime", time);
    for (const json &condition : go.list(status, "conditions")) {
        go.ok = go.ok && condition.is_object();
    }
}

// fmtFrac of Go's time package: `digits` decimals of `value`, trailing zeros and a bare dot dropped.
std::string fraction(long long value, int digits)
{
    std::string text;
    bool printed = false;
    for (int i = 0; i < digits; ++i) {
        const long long digit = value % 10;
        value /= 10;
        printed = printed || digit != 0;
        if (printed) {
            text.insert(text.begin(), char('0' + digit));
        }
    }
    return printed ? "." + text : std::string();
}

} // namespace

std::optional<FlaggerCanary> readCanary(const json &object)
{
    GoDecoder go;
    FlaggerCanary canary;
    const json metadata = go.object(object, "metadata");
    go.text(metadata, "name", canary.name);
    go.text(metadata, "namespace", canary.namespaceName);
    go.stringMap(metadata, "annotations");
    go.text(go.object(metadata, "annotations"), "sim.curtain.dev/then-set-image", canary.thenSetImage);
    const json spec = go.object(object, "spec");
    go.text(spec, "provider", canary.provider);
    const json target = go.object(spec, "targetRef");
    go.text(target, "kind", canary.targetKind);
    go.text(target, "name", canary.targetName);
    readService(go, go.object(spec, "service"), canary);
    if (canary.serviceName.empty()) {
        canary.serviceName = canary.targetName;
    }
    go.boolean(spec, "suspend", canary.suspend);
    go.boolean(spec, "skipAnalysis", canary.skipAnalysis);
    long long deadline = 0;
    go.integer(spec, "progressDeadlineSeconds", deadline);
    // spec.canaryAnalysis is the v1alpha3 name of spec.analysis, still read by Flagger.
    const bool hasAnalysis = !valueAt(spec, "/analysis", nullptr).is_null();
    const bool hasOldAnalysis = !valueAt(spec, "/canaryAnalysis", nullptr).is_null();
    const json analysis = go.object(spec, hasAnalysis || !hasOldAnalysis ? "analysis" : "canaryAnalysis");
    readAnalysis(go, analysis, canary);
    canary.skipAnalysis = canary.skipAnalysis || (!hasAnalysis && !hasOldAnalysis);
    readStatus(go, go.object(object, "status"), canary);
    if (!go.ok || canary.name.empty() || canary.targetName.empty()) {
        return std::nullopt;
    }
    return canary;
}

std::chrono::milliseconds FlaggerCanary::interval(std::chrono::milliseconds minimum) const
{
    const auto parsed = parseGoDuration(intervalText);
    if (intervalText.empty() || !parsed) {
        return 60s;
    }
    return std::max<std::chrono::milliseconds>(std::chrono::duration_cast<std::chrono::milliseconds>(*parsed), minimum);
}

long long FlaggerCanary::maxCanaryWeight() const
{
    if (!stepWeights.empty()) {
        return std::min(100LL, stepWeights.back());
    }
    return maxWeight > 0 ? maxWeight : 100;
}

long long FlaggerCanary::nextStepWeight(long long weight) const
{
    if (stepWeight > 0 || stepWeights.empty()) {
        return stepWeight;
    }
    const long long maxStep = 100 - weight;
    if (maxStep == 0) {
        return 1; // at 100 %: any step promotes
    }
    if (weight == 0) {
        return std::min(maxStep, stepWeights.front());
    }
    for (std::size_t i = 0; i + 1 < stepWeights.size(); ++i) {
        if (stepWeights[i] == weight) {
            return std::min(maxStep, stepWeights[i + 1] - weight);
        }
    }
    return maxStep;
}

std::optional<std::chrono::nanoseconds> parseGoDuration(const std::string &text)
{
    std::size_t i = 0;
    const bool negative = !text.empty() && text[0] == '-';
    if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
        ++i;
    }
    if (text.substr(i) == "0") {
        return std::chrono::nanoseconds(0);
    }
    if (i == text.size()) {
        return std::nullopt;
    }
    static const std::pair<const char *, double> units[] = {{"ns", 1},   {"us", 1e3}, {"µs", 1e3}, {"μs", 1e3},
                                                            {"ms", 1e6}, {"s", 1e9},  {"m", 60e9}, {"h", 3600e9}};
    double total = 0;
    while (i < text.size()) {
        const std::size_t start = i;
        while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
            ++i;
        }
        const std::string number = text.substr(start, i - start);
        if (number.empty() || number == "." || std::count(number.begin(), number.end(), '.') > 1) {
            return std::nullopt;
        }
        const std::size_t unitStart = i;
        while (i < text.size() && !std::isdigit(static_cast<unsigned char>(text[i])) && text[i] != '.') {
            ++i;
        }
        const std::string unit = text.substr(unitStart, i - unitStart);
        const auto found =
            std::find_if(std::begin(units), std::end(units), [&](const auto &u) { return unit == u.first; });
        if (found == std::end(units)) {
            return std::nullopt; // a missing or unknown unit
        }
        total += std::strtod(number.c_str(), nullptr) * found->second;
    }
    if (total > 9.2e18) {
        return std::nullopt; // overflows Go's int64 nanoseconds
    }
    return std::chrono::nanoseconds(static_cast<long long>(negative ? -total : total));
}

std::string goFloat(double value)
{
    char text[64];
    const auto result = std::to_chars(text, text + sizeof text, value, std::chars_format::fixed);
    return std::string(text, result.ptr);
}

std::string goDuration(std::chrono::nanoseconds value)
{
    long long ns = value.count();
    if (ns == 0) {
        return "0s";
    }
    const std::string sign = ns < 0 ? "-" : "";
    ns = ns < 0 ? -ns : ns;
    if (ns < 1'000) {
        return sign + std::to_string(ns) + "ns";
    }
    if (ns < 1'000'000) {
        return sign + std::to_string(ns / 1'000) + fraction(ns % 1'000, 3) + "µs";
    }
    if (ns < 1'000'000'000) {
        return sign + std::to_string(ns / 1'000'000) + fraction(ns % 1'000'000, 6) + "ms";
    }
    const long long seconds = ns / 1'000'000'000;
    std::string text = std::to_string(seconds % 60) + fraction(ns % 1'000'000'000, 9) + "s";
    if (seconds >= 60) {
        text = std::to_string(seconds / 60 % 60) + "m" + text;
    }
    if (seconds >= 3600) {
        text = std::to_string(seconds / 3600) + "h" + text;
    }
    return sign + text;
}

} // namespace Curtain::Sim

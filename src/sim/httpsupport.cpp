#include "sim/httpsupport.h"

#include "sim/eventviews.h"
#include "sim/jsonread.h"
#include "sim/patching.h"

#include <memory>
#include <sstream>

namespace Curtain::Sim::Http {

using nlohmann::json;

namespace {
constexpr std::size_t gzipThresholdBytes = 128 * 1024; // kube-apiserver's defaultGzipThresholdBytes
}

std::string jsonText(const json &value)
{
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

void sendJson(httplib::Response &res, int status, const json &body)
{
    res.status = status;
    res.set_header("Cache-Control", "no-cache, private");
    res.set_content(jsonText(body), "application/json");
}

void sendSmallBodyUncompressed(httplib::Response &res)
{
    if (res.content_provider_ || res.body.empty() || res.body.size() > gzipThresholdBytes) {
        return;
    }
    const std::string type = res.get_header_value("Content-Type");
    if (type.empty()) {
        return;
    }
    auto body = std::make_shared<const std::string>(std::move(res.body));
    res.body.clear();
    res.headers.erase("Content-Type"); // set again below, once
    res.set_content_provider(body->size(), type,
                             [body](std::size_t offset, std::size_t length, httplib::DataSink &sink) {
                                 return sink.write(body->data() + offset, length);
                             });
}

void sendStatus(httplib::Response &res, const ApiStatus &status)
{
    sendJson(res, status.code, status.toJson());
}

bool truthy(const std::string &value)
{
    return !value.empty() && value != "0" && value != "false" && value != "False" && value != "FALSE";
}

std::string param(const httplib::Request &req, const char *name)
{
    return req.has_param(name) ? req.get_param_value(name) : std::string();
}

namespace {

// The fields kube-apiserver lets a list select on besides metadata.name and metadata.namespace:
// a pod's (its registry's selectable fields, kube's defaults where the object leaves one out) and
// an Event's.
std::optional<std::string> selectableField(const ResourceType &type, const json &object, const std::string &label)
{
    if (!type.builtin || type.kind != "Pod") {
        return EventViews::fieldValue(type, object, label);
    }
    struct Field
    {
        const char *label;
        const char *pointer;
        const char *unset;
    };
    static const Field podFields[] = {
        {"spec.nodeName", "/spec/nodeName", ""},
        {"spec.restartPolicy", "/spec/restartPolicy", "Always"},
        {"spec.schedulerName", "/spec/schedulerName", "default-scheduler"},
        {"spec.serviceAccountName", "/spec/serviceAccountName", "default"},
        {"status.phase", "/status/phase", ""},
        {"status.podIP", "/status/podIP", ""},
        {"status.nominatedNodeName", "/status/nominatedNodeName", ""},
    };
    for (const Field &field : podFields) {
        if (label == field.label) {
            return textAt(object, field.pointer, field.unset);
        }
    }
    if (label == "spec.hostNetwork") {
        return valueAt(object, "/spec/hostNetwork", json(false)) == json(true) ? "true" : "false";
    }
    return std::nullopt;
}

} // namespace

std::optional<std::function<bool(const json &)>> filterFor(const httplib::Request &req, const ResourceType &type,
                                                           ApiStatus *error)
{
    std::optional<LabelSelector> labels;
    if (const std::string text = param(req, "labelSelector"); !text.empty()) {
        std::string why;
        labels = LabelSelector::parse(text, &why);
        if (!labels) {
            *error = {400, "BadRequest", "unable to parse requirement: " + why};
            return std::nullopt;
        }
    }
    // label, value, and whether the term is a != (kube's field selectors take =, == and !=)
    struct Term
    {
        std::string label;
        std::string value;
        bool negated = false;
    };
    std::vector<Term> terms;
    if (const std::string text = param(req, "fieldSelector"); !text.empty()) {
        std::stringstream stream(text);
        std::string term;
        while (std::getline(stream, term, ',')) {
            const auto eq = term.find('=');
            if (eq == std::string::npos) {
                *error = {400, "BadRequest", "invalid selector: '" + text + "'; can't understand '" + term + "'"};
                return std::nullopt;
            }
            const bool negated = eq > 0 && term[eq - 1] == '!';
            std::string label = term.substr(0, negated ? eq - 1 : eq);
            const bool known = label == "metadata.name" || label == "metadata.namespace" ||
                               selectableField(type, json::object(), label).has_value();
            if (!known) {
                *error = {400, "BadRequest", "field label not supported: " + label};
                return std::nullopt;
            }
            std::string value = term.substr(eq + 1 < term.size() && term[eq + 1] == '=' ? eq + 2 : eq + 1);
            terms.push_back({std::move(label), std::move(value), negated});
        }
    }
    return [labels, terms, &type](const json &object) {
        for (const Term &term : terms) {
            const std::string actual = term.label.rfind("metadata.", 0) == 0
                                           ? textAt(object, ("/metadata/" + term.label.substr(9)).c_str())
                                           : selectableField(type, object, term.label).value_or("");
            if ((actual == term.value) == term.negated) {
                return false;
            }
        }
        if (!labels) {
            return true;
        }
        static const json none = json::object();
        const json *objectLabels = fieldAt(object, "/metadata/labels"); // read in place: this runs per object
        return labels->matches(objectLabels ? *objectLabels : none);
    };
}

void sendTooManyStreams(httplib::Response &res, const std::string &what)
{
    res.set_header("Retry-After", "1");
    sendStatus(res, {429,
                     "TooManyRequests",
                     "too many " + what + " are open at once; try again in a second",
                     {{"retryAfterSeconds", 1}}});
}

std::string eventLine(const std::string &type, const json &object)
{
    return jsonText(json{{"type", type}, {"object", object}}) + "\n";
}

} // namespace Curtain::Sim::Http

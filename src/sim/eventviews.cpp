#include "sim/eventviews.h"

#include "sim/jsonread.h"

#include <array>
#include <utility>

namespace Curtain::Sim::EventViews {

using nlohmann::json;

namespace {

// events.k8s.io/v1 field ↔ core/v1 field, for the fields that only changed their name.
constexpr std::array<std::pair<const char *, const char *>, 6> renamed = {{
    {"regarding", "involvedObject"},
    {"note", "message"},
    {"reportingController", "reportingComponent"},
    {"deprecatedFirstTimestamp", "firstTimestamp"},
    {"deprecatedLastTimestamp", "lastTimestamp"},
    {"deprecatedCount", "count"},
}};

json renamedCopy(const json &from, bool towardsCore)
{
    if (!from.is_object()) {
        return from;
    }
    json to = from;
    for (const auto &[v1, core] : renamed) {
        const char *source = towardsCore ? v1 : core;
        const char *target = towardsCore ? core : v1;
        to.erase(target);
        if (from.contains(source)) {
            to[target] = from.at(source);
            to.erase(source);
        }
    }
    return to;
}

} // namespace

bool isEventsV1(const ResourceType &type)
{
    return type.kind == "Event" && type.group == "events.k8s.io";
}

json toEventsV1(const json &core)
{
    json event = renamedCopy(core, false);
    if (!event.is_object()) {
        return event;
    }
    event.erase("source");
    if (core.contains("source")) {
        event["deprecatedSource"] = core.at("source");
    }
    if (event.contains("apiVersion")) {
        event["apiVersion"] = "events.k8s.io/v1";
    }
    return event;
}

json toCore(const json &eventsV1)
{
    json event = renamedCopy(eventsV1, true);
    if (!event.is_object()) {
        return event;
    }
    event.erase("deprecatedSource");
    if (eventsV1.contains("deprecatedSource")) {
        event["source"] = eventsV1.at("deprecatedSource");
    } else if (const std::string controller = textAt(eventsV1, "/reportingController"); !controller.empty()) {
        event["source"] = {{"component", controller}}; // as kube's conversion fills it
    }
    if (event.contains("apiVersion")) {
        event["apiVersion"] = "v1";
    }
    return event;
}

std::optional<ApiStatus> validateEventsV1(const json &object)
{
    json causes = json::array();
    auto require = [&](const char *field, std::size_t limit) {
        const json *value = fieldAt(object, (std::string("/") + field).c_str());
        if (!value || !value->is_string() || value->get<std::string>().empty()) {
            causes.push_back({{"reason", "FieldValueRequired"}, {"message", "Required value"}, {"field", field}});
        } else if (value->get<std::string>().size() > limit) {
            causes.push_back({{"reason", "FieldValueTooLong"},
                              {"message", "Too long: may not be more than " + std::to_string(limit) + " bytes"},
                              {"field", field}});
        }
    };
    require("eventTime", 64);
    require("reportingController", 253);
    require("reportingInstance", 128);
    require("action", 128);
    require("reason", 128);
    if (const std::string type = textAt(object, "/type"); type != "Normal" && type != "Warning") {
        causes.push_back({{"reason", "FieldValueNotSupported"},
                          {"message", "Unsupported value: \"" + type + "\": supported values: \"Normal\", \"Warning\""},
                          {"field", "type"}});
    }
    if (const json *note = fieldAt(object, "/note");
        note && (!note->is_string() || note->get<std::string>().size() > 1024)) {
        causes.push_back({{"reason", "FieldValueTooLong"},
                          {"message", "Too long: may not be more than 1024 bytes"},
                          {"field", "note"}});
    }
    if (causes.empty()) {
        return std::nullopt;
    }
    std::string message;
    for (const json &cause : causes) {
        message += (message.empty() ? "" : ", ") + cause["field"].get<std::string>() + ": " +
                   cause["message"].get<std::string>();
    }
    const std::string name = textAt(object, "/metadata/name");
    return ApiStatus{422,
                     "Invalid",
                     "Event.events.k8s.io \"" + name + "\" is invalid: " + message,
                     {{"name", name}, {"group", "events.k8s.io"}, {"kind", "Event"}, {"causes", causes}}};
}

std::optional<std::string> fieldValue(const ResourceType &type, const json &object, const std::string &label)
{
    if (type.kind != "Event") {
        return std::nullopt;
    }
    // The stored (core) shape is what the filter sees for lists; a watch filters what it serves.
    const json core = object.contains("regarding") || object.contains("note") ? toCore(object) : object;
    const bool v1 = isEventsV1(type);
    const std::string objectPrefix = v1 ? "regarding." : "involvedObject.";
    if (label.rfind(objectPrefix, 0) == 0) {
        const std::string field = label.substr(objectPrefix.size());
        for (const char *known : {"kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"}) {
            if (field == known) {
                return textAt(core, ("/involvedObject/" + field).c_str());
            }
        }
        return std::nullopt;
    }
    if (label == "reason" || label == "type") {
        return textAt(core, ("/" + label).c_str());
    }
    if (label == (v1 ? "reportingController" : "reportingComponent")) {
        return textAt(core, "/reportingComponent");
    }
    if (label == (v1 ? "deprecatedSource" : "source")) {
        return textAt(core, "/source/component");
    }
    return std::nullopt;
}

} // namespace Curtain::Sim::EventViews

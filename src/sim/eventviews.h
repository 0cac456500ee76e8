#pragma once

#include "sim/apistatus.h"
#include "sim/resourcetypes.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

// Events are one resource served in two shapes, as kube-apiserver serves them: core/v1 (involvedObject,
// message, source, first/lastTimestamp, count) and events.k8s.io/v1 (regarding, note,
// reportingController, deprecated* for the old fields). The store keeps the core shape; these convert
// at the API's edge, so an Event written through either group is read through both.
namespace Curtain::Sim::EventViews {

bool isEventsV1(const ResourceType &type);

nlohmann::json toEventsV1(const nlohmann::json &core);
nlohmann::json toCore(const nlohmann::json &eventsV1);

// What kube-apiserver checks on an Event created through events.k8s.io/v1: eventTime, the reporting
// controller and instance, action and reason are required, type is Normal or Warning, and the note
// is at most 1 kB.
std::optional<ApiStatus> validateEventsV1(const nlohmann::json &object);

// The field selectors the Event resources support besides metadata.name and metadata.namespace,
// in the label the request used (involvedObject.name for core/v1, regarding.name for events.k8s.io);
// nullopt when the label is not one of them.
std::optional<std::string> fieldValue(const ResourceType &type, const nlohmann::json &object, const std::string &label);

} // namespace Curtain::Sim::EventViews

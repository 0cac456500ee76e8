#pragma once

#include "sim/objectstore.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>

// The small pieces every handler of the demo cluster's API server shares: JSON and Status replies,
// query parameters, selectors, watch event lines.
namespace Curtain::Sim::Http {

// JSON text as kube-apiserver (Go's encoder) writes it: strings from the request itself (a name
// decoded from the URL, a selector, a raw body) may hold bytes that are not UTF-8, and they become
// U+FFFD instead of an exception that turned the answer into a 500.
std::string jsonText(const nlohmann::json &value);
void sendJson(httplib::Response &res, int status, const nlohmann::json &body);
// kube-apiserver gzips a reply only past 128 KiB, where that saves more than it costs; cpp-httplib
// gzips any body a handler set for a client that accepts gzip (the console always does). Called
// where a reply leaves the handlers: a smaller body goes out through a sized content provider,
// which httplib sends as it is.
void sendSmallBodyUncompressed(httplib::Response &res);
void sendStatus(httplib::Response &res, const ApiStatus &status);
bool truthy(const std::string &value); // a query flag as the API server reads it
std::string param(const httplib::Request &req, const char *name);
// labelSelector and fieldSelector (metadata.name, metadata.namespace, and the Event fields kubectl
// selects on) as one predicate for objects of `type`; nullopt with `error` set when either does not parse.
std::optional<std::function<bool(const nlohmann::json &)>> filterFor(const httplib::Request &req,
                                                                     const ResourceType &type, ApiStatus *error);
// 429 with Retry-After: 1, as kube-apiserver answers when it holds too many long requests; `what`
// names them ("watches", "streams").
void sendTooManyStreams(httplib::Response &res, const std::string &what);
std::string eventLine(const std::string &type, const nlohmann::json &object);

// Sends the Status when `outcome` failed; true if it did.
template <typename T>
inline bool failed(const Outcome<T> &outcome, httplib::Response &res)
{
    if (const auto *status = std::get_if<ApiStatus>(&outcome)) {
        sendStatus(res, *status);
        return true;
    }
    return false;
}

} // namespace Curtain::Sim::Http

#pragma once

// The one place the client side includes nlohmann_json, with the small readers every kube and
// adapter file needs. Kubernetes leaves zero values out (omitempty), so every reader has a default.
#include <nlohmann/json.hpp>

#include <QString>

namespace Curtain::Kube {

using Json = nlohmann::json;

inline QString toQString(const std::string &s)
{
    return QString::fromStdString(s);
}

// Reads a string at a JSON pointer such as "/metadata/name"; missing or non-string gives `fallback`.
QString stringAt(const Json &object, const char *pointer, const QString &fallback = {});
long long intAt(const Json &object, const char *pointer, long long fallback = 0);
QString label(const Json &object, const QString &key);
QString annotation(const Json &object, const QString &key);
QString objectName(const Json &object);
QString objectNamespace(const Json &object);
QString resourceVersion(const Json &object);

} // namespace Curtain::Kube

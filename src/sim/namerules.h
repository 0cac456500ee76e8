#pragma once

#include "sim/resourcetypes.h"

#include <optional>
#include <string>

// Names as kube-apiserver checks them, each answering nullopt or the problem in kube's words.

namespace Curtain::Sim {

// An object's own name: a Service's becomes a DNS label (RFC 1035), a Namespace's is one (RFC 1123);
// everything else, custom resources too, is an RFC 1123 subdomain.
std::optional<std::string> nameProblem(const ResourceType &type, const std::string &name);
// A label or annotation key: an optional DNS subdomain prefix and "/", then a name of up to 63
// characters (kube's IsQualifiedName).
std::optional<std::string> qualifiedNameProblem(const std::string &key);
std::optional<std::string> labelValueProblem(const std::string &value);

// Resource names as kube's helpers class them: native ones have no domain or kubernetes.io's; only
// native ones other than huge pages may be overcommitted (a request below its limit); the rest,
// extended resources (nvidia.com/gpu), are counted in whole units.
bool isNativeResource(const std::string &name);
bool isHugePages(const std::string &name);
bool overcommitAllowed(const std::string &name);
bool isExtendedResource(const std::string &name);
// A key of a container's requests or limits (kube's validateContainerResourceName).
std::optional<std::string> containerResourceNameProblem(const std::string &name);

} // namespace Curtain::Sim

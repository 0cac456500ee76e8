#pragma once

#include "sim/resourcetypes.h"

#include <string>
#include <vector>

// Names as kube-apiserver checks them, each answering its problems in kube's words (none: valid);
// each is a field error of its own, as kube lists them.

namespace Curtain::Sim {

// An object's own name: a Service's becomes a DNS label (RFC 1035), a Namespace's is one (RFC 1123);
// everything else, custom resources too, is an RFC 1123 subdomain.
std::vector<std::string> nameProblems(const ResourceType &type, const std::string &name);
// A label or annotation key: an optional DNS subdomain prefix and "/", then a name of up to 63
// characters (kube's IsQualifiedName).
std::vector<std::string> qualifiedNameProblems(const std::string &key);
std::vector<std::string> labelValueProblems(const std::string &value);

// Resource names as kube's helpers class them: native ones have no domain or kubernetes.io's; only
// native ones other than huge pages may be overcommitted (a request below its limit); the rest,
// extended resources (nvidia.com/gpu), are counted in whole units.
bool isNativeResource(const std::string &name);
bool isHugePages(const std::string &name);
bool overcommitAllowed(const std::string &name);
bool isExtendedResource(const std::string &name);
// A key of a container's requests or limits (kube's validateContainerResourceName).
std::vector<std::string> containerResourceNameProblems(const std::string &name);

// Five characters of the alphabet kube's generateName draws from (no vowels, no look-alikes),
// the same for the same seed: the sim's generated names stay put from run to run.
std::string generatedSuffix(const std::string &seed);

} // namespace Curtain::Sim

#pragma once

#include <QtGlobal>

#include <cstddef>

// How much outside input Curtain reads before it stops with an error naming the limit. Files,
// plugins and servers are not trusted to be small, finite or shallow: a 900-byte YAML alias bomb
// expands to gigabytes, /dev/zero never ends, and a hung credential plugin never answers.
namespace Curtain::Core::Limits {

// kubeconfig files, plan files and the files `curtainctl inspect` reads.
inline constexpr qint64 maxConfigFileBytes = 16 * 1024 * 1024;
// Certificate authority, client certificate and key files, and tokenFile.
inline constexpr qint64 maxCredentialFileBytes = 1024 * 1024;

// YAML converted to JSON: nodes emitted, aliases counted at their full size each time they repeat.
inline constexpr std::size_t maxYamlNodes = 1'000'000;
// And the text those nodes hold, an alias again counted each time it repeats: a 1 MiB ConfigMap
// whose list repeats a 500 KB string 100,000 times is refused before it is copied.
inline constexpr std::size_t maxYamlTextBytes = 64 * 1024 * 1024;
// Nesting of maps and lists in YAML, and of objects and arrays in JSON from outside.
inline constexpr int maxYamlDepth = 100;
inline constexpr std::size_t maxJsonDepth = 100;

// An exec credential plugin's standard output, and how long it may run (CURTAIN_EXEC_PLUGIN_TIMEOUT
// overrides the time, in seconds).
inline constexpr qint64 maxExecOutputBytes = 1024 * 1024;
inline constexpr int execPluginTimeoutMs = 30'000;

} // namespace Curtain::Core::Limits

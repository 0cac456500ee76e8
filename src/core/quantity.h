#pragma once

#include <QString>

#include <optional>

namespace Curtain::Core {

// A Kubernetes resource quantity ("250m", "1", "1.5", "256Mi", "2G", "1e3") as a number of base
// units: cores for CPU, bytes for memory. Nothing for text that is not one, or that is out of range.
std::optional<double> parseQuantity(const QString &text);

// "1.5 CPU", "250m CPU"; "768 MiB", "2 GiB": the way the console shows requests.
QString cpuText(double cores);
QString memoryText(double bytes);

} // namespace Curtain::Core

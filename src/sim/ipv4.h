#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace Curtain::Sim {

// A dotted-quad IPv4 address as Go's net.ParseIP reads one (no leading zeros); nullopt otherwise.
std::optional<std::uint32_t> parseIpv4(const std::string &text);
std::string formatIpv4(std::uint32_t address);

} // namespace Curtain::Sim

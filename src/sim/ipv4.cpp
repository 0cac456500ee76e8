#include "sim/ipv4.h"

#include <algorithm>

namespace Curtain::Sim {

std::optional<std::uint32_t> parseIpv4(const std::string &text)
{
    std::uint32_t address = 0;
    std::size_t at = 0;
    for (int part = 0; part < 4; ++part) {
        const std::size_t end = part < 3 ? text.find('.', at) : text.size();
        const std::string digits = end == std::string::npos ? std::string() : text.substr(at, end - at);
        if (digits.empty() || digits.size() > 3 || (digits.size() > 1 && digits[0] == '0') ||
            !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
            std::stoi(digits) > 255) {
            return std::nullopt;
        }
        address = address << 8 | std::uint32_t(std::stoi(digits));
        at = end + 1;
    }
    return address;
}

std::string formatIpv4(std::uint32_t address)
{
    return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 0xff) + "." +
           std::to_string((address >> 8) & 0xff) + "." + std::to_string(address & 0xff);
}

} // namespace Curtain::Sim

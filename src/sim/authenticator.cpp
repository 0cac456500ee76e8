#include "sim/authenticator.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace Curtain::Sim {

void Authenticator::reloadIfChanged()
{
    std::error_code error;
    const auto modified = std::filesystem::last_write_time(m_tokenFile, error);
    if (error || modified == m_loadedAt) {
        return;
    }
    m_loadedAt = modified;
    m_fileTokens.clear();
    std::ifstream in(m_tokenFile);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string token;
        long long expires = 0;
        if (fields >> token) {
            fields >> expires;
            m_fileTokens.emplace_back(token, std::time_t(expires));
        }
    }
}

bool Authenticator::accepts(const std::string &authorizationHeader)
{
    const std::string prefix = "Bearer ";
    if (authorizationHeader.rfind(prefix, 0) != 0) {
        return false;
    }
    const std::string token = authorizationHeader.substr(prefix.size());
    if (std::find(m_tokens.begin(), m_tokens.end(), token) != m_tokens.end()) {
        return true;
    }
    if (m_tokenFile.empty()) {
        return false;
    }
    std::lock_guard lock(m_mutex);
    reloadIfChanged();
    const std::time_t now = std::time(nullptr);
    return std::any_of(m_fileTokens.begin(), m_fileTokens.end(), [&](const auto &entry) {
        return entry.first == token && (entry.second == 0 || entry.second > now);
    });
}

} // namespace Curtain::Sim

#pragma once

#include "sim/serveroptions.h"

#include <ctime>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace Curtain::Sim {

// Decides whether a bearer token is accepted: the fixed tokens, or a live line of the token file.
class Authenticator
{
public:
    explicit Authenticator(const ServerOptions &options) : m_tokens(options.tokens), m_tokenFile(options.tokenFile) {}

    bool accepts(const std::string &authorizationHeader);

private:
    void reloadIfChanged();

    std::vector<std::string> m_tokens;
    std::string m_tokenFile;
    std::mutex m_mutex;
    std::filesystem::file_time_type m_loadedAt{};
    std::vector<std::pair<std::string, std::time_t>> m_fileTokens; // token, expiry (0 = none)
};

} // namespace Curtain::Sim

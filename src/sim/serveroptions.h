#pragma once

#include <string>
#include <vector>

namespace Curtain::Sim {

// How the demo cluster's API server is reached and who it lets in — enough to test every way
// Curtain authenticates against a real cluster.
struct ServerOptions
{
    bool logRequests = false;
    std::string tlsCertFile;         // serve HTTPS with this certificate (PEM) …
    std::string tlsKeyFile;          // … and key
    std::string clientCaFile;        // require client certificates signed by this CA
    std::vector<std::string> tokens; // accepted bearer tokens
    // A file of accepted tokens, re-read when it changes: one per line, "TOKEN [EXPIRES]" where
    // EXPIRES is Unix seconds; a token past it is rejected like a wrong one.
    std::string tokenFile;
    std::string rbacFile;   // deny rules (see rbac.h)
    std::string faultsJson; // initial fault plan (see faults.h)
    // Appends one JSON line per write (POST, PUT, PATCH, DELETE) to this file, like kube-apiserver's
    // audit log at Request level: verb, requestURI, contentType, the exact requestBody, responseCode.
    std::string auditLogFile;
    // Custom resources accept any JSON object (a CRD without a schema), for tests of malformed objects.
    bool schemalessCustomResources = false;
    // Watches open at once; more get 429 with Retry-After. The server keeps 32 workers beyond them for
    // every other request, so open watches cannot starve lists, patches and probes.
    int maxWatches = 96;
    // A request must arrive whole, headers and body, within this many seconds, or its connection is
    // closed: a slow client cannot hold a worker.
    int readDeadlineSeconds = 30;

    bool requiresAuthentication() const { return !tokens.empty() || !tokenFile.empty(); }
};

} // namespace Curtain::Sim

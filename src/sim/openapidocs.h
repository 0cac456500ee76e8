#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace Curtain::Sim {

// OpenAPI v3 discovery, as kubectl reads it before `apply -f`, `create -f`, `replace -f` or `edit`:
// it asks whether the PATCH of the object's kind takes the fieldValidation parameter and, when it
// does, leaves the checking to the server (fieldvalidation.h) instead of failing with "failed to
// download openapi". The documents describe the paths and operations the sim serves, with the
// object schemas left open: `kubectl explain` finds no fields in them.

// GET /openapi/v3: every group-version served, each with the URL of its document.
nlohmann::json openApiV3Root();
// GET /openapi/v3/api/v1, /openapi/v3/apis/<group>/<version>: null for one the sim does not serve.
nlohmann::json openApiV3Document(const std::string &groupVersionPath);

} // namespace Curtain::Sim

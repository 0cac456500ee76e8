#include "sim/resourceapi.h"
#include "sim/scalesubresource.h"

#include "sim/admission.h"
#include "sim/clustermodel.h"
#include "sim/connectionguard.h"
#include "sim/fieldvalidation.h"
#include "sim/httpsupport.h"
#include "sim/jsonbody.h"
#include "sim/jsonread.h"
#include "sim/objectstore.h"
#include "sim/rbac.h"
#include "sim/requesttarget.h"
#include "sim/scalesubresource.h"
#include "sim/tables.h"
#include "sim/watchserver.h"

#include <httplib.h>

namespace Curtain::Sim {

using namespace Http;
using nlohmann::json;

namespace {

const ApiStatus noSuchResource = noSuchPath();

// A write's target: a named object of a known type, or its /status (`status` set).
std::optional<Target> objectTarget(const httplib::Request &req, httplib::Response &res, bool *status)
{
    auto target = parseTarget(req.path);
    if (!target || !target->type || target->name.empty()) {
        sendStatus(res, methodNotAllowed());
        return std::nullopt;
    }
    *status = target->subresource.size() == 1 && target->subresource[0] == "status";
    if (!target->subresource.empty() && !*status) {
        sendStatus(res, noSuchResource);
        return std::nullopt;
    }
    return target;
}

// kube's dryRun query parameter: absent, or "All" (checked and answered, nothing stored).
std::optional<ApiStatus> dryRunOf(const httplib::Request &req, bool *dryRun)
{
    *dryRun = false;
    if (!req.has_param("dryRun")) {
        return std::nullopt;
    }
    const std::string value = req.get_param_value("dryRun");
    if (value != "All") {
        return ApiStatus{400, "BadRequest",
                         "Invalid dry run value: dryRun: Unsupported value: \"" + value.substr(0, 40) +
                             "\": supported values: \"All\"",
                         nullptr};
    }
    *dryRun = true;
    return std::nullopt;
}

// propagationPolicy, from the query or the body (the body wins, as kube's decoding merges them), and
// the older orphanDependents; nullopt when it is one kube knows.
std::optional<ApiStatus> readPropagation(const httplib::Request &req, const json *body, RemoveOptions &options)
{
    std::string policy = req.get_param_value("propagationPolicy");
    if (body) {
        policy = textAt(*body, "/propagationPolicy", policy);
        options.orphanDependents = body->value("orphanDependents", json(false)) == json(true);
    }
    if (policy.empty()) {
        return std::nullopt;
    }
    if (policy != "Orphan" && policy != "Background" && policy != "Foreground") {
        return ApiStatus{422, "Invalid",
                         "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"" +
                             policy.substr(0, 40) +
                             "\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"",
                         nullptr};
    }
    options.orphanDependents = policy == "Orphan";
    options.foreground = policy == "Foreground";
    return std::nullopt;
}

// A DELETE's options: DeleteOptions' preconditions, dryRun and propagation, from its body when it
// has one.
Outcome<RemoveOptions> removeOptionsOf(const httplib::Request &req, bool dryRun)
{
    RemoveOptions options;
    options.dryRun = dryRun;
    if (req.body.empty()) {
        if (auto refused = readPropagation(req, nullptr, options)) {
            return *refused;
        }
        return options;
    }
    const Outcome<json> parsed = parseBody(req.body);
    if (const auto *status = std::get_if<ApiStatus>(&parsed)) {
        return *status;
    }
    const json &body = std::get<json>(parsed);
    if (!body.is_object()) {
        return badRequest("the request body is not a DeleteOptions object");
    }
    if (auto refused = readPropagation(req, &body, options)) {
        return *refused;
    }
    options.uid = textAt(body, "/preconditions/uid");
    options.resourceVersion = textAt(body, "/preconditions/resourceVersion");
    const json dryRuns = body.value("dryRun", json::array());
    if (dryRuns.is_array()) {
        for (const json &value : dryRuns) {
            if (value != "All") {
                return ApiStatus{400, "BadRequest",
                                 "Invalid dry run value: dryRun: Unsupported value: " + value.dump().substr(0, 40) +
                                     ": supported values: \"All\"",
                                 nullptr};
            }
            options.dryRun = true;
        }
    }
    return options;
}

} // namespace

// fieldValidation for a custom resource only when the store checks custom resources at all. What a
// built-in kind does not have is dropped when not refused (kube's typed decoding drops it); custom
// resources keep it, as a CRD preserving unknown fields would.
std::optional<ApiStatus> ResourceApi::checkFieldsOf(const httplib::Request &req, httplib::Response &res,
                                                    const ResourceType &type, json &object, FieldBody body,
                                                    bool *pruned) const
{
    if (!type.builtin && m_store.schemalessCustomResources()) {
        return checkDirective(req); // the options are checked whatever the object's schema
    }
    if (auto problem = checkFields(req, res, type, object, body)) {
        return problem;
    }
    if (type.builtin && !unknownFields(type, object, body).empty()) {
        pruneUnknownFields(type, object, body);
        if (pruned) {
            *pruned = true;
        }
    }
    return std::nullopt;
}

// The same for a PUT's or a merge or strategic-merge PATCH's body, rewritten into `body` when
// something was dropped (a JSON patch names no fields: its result is checked in the store; a body
// that does not parse is left to the write, which names the problem).
std::optional<ApiStatus> ResourceApi::checkPatchFields(const httplib::Request &req, httplib::Response &res,
                                                       const ResourceType &type, std::string *body) const
{
    *body = req.body;
    const std::string contentType = req.get_header_value("Content-Type");
    if (contentType.rfind("application/json-patch+json", 0) == 0) {
        return std::nullopt;
    }
    const FieldBody kind = contentType.rfind("application/merge-patch+json", 0) == 0 ? FieldBody::MergePatch
                           : contentType.rfind("application/strategic-merge-patch+json", 0) == 0
                               ? FieldBody::StrategicMergePatch
                               : FieldBody::Object; // a PUT's whole object
    Outcome<json> parsed = parseBody(req.body);
    if (!std::holds_alternative<json>(parsed) || !std::get<json>(parsed).is_object()) {
        return std::nullopt;
    }
    json &object = std::get<json>(parsed);
    bool pruned = false;
    if (auto problem = checkFieldsOf(req, res, type, object, kind, &pruned)) {
        return problem;
    }
    if (pruned) {
        *body = object.dump(-1, ' ', false, json::error_handler_t::replace);
    }
    return std::nullopt;
}

// A /scale write's body against autoscaling/v1 Scale, under the request's fieldValidation (a JSON
// patch names paths, not fields: only its directive here, and the Scale it makes in patch()).
std::optional<ApiStatus> ResourceApi::checkScaleFields(const httplib::Request &req, httplib::Response &res,
                                                       std::string *body) const
{
    if (auto problem = checkDirective(req)) {
        return problem;
    }
    return checkPatchFields(req, res, scaleType(), body);
}

namespace {

bool isServiceProxy(const Target &target)
{
    return target.type && target.type->kind == "Service" && !target.name.empty() && !target.subresource.empty() &&
           target.subresource[0] == "proxy";
}

bool isPodLog(const Target &target)
{
    return target.type && target.type->kind == "Pod" && target.subresource.size() == 1 &&
           target.subresource[0] == "log";
}

bool isStatusTarget(const Target &target)
{
    return target.subresource.size() == 1 && target.subresource[0] == "status";
}

} // namespace

ResourceApi::ResourceApi(ObjectStore &store, ClusterModel &model, Faults &faults, ConnectionGuard &guard,
                         const RbacRules *rbac)
    : m_store(store), m_model(model), m_faults(faults), m_guard(guard), m_rbac(rbac)
{}

void ResourceApi::get(const httplib::Request &req, httplib::Response &res)
{
    const auto target = parseTarget(req.path);
    if (!target) {
        return sendStatus(res, noSuchResource);
    }
    if (target->discovery) {
        const json document = apiResourceListDocument(target->group, target->version);
        return document.is_null() ? sendStatus(res, noSuchResource) : sendJson(res, 200, document);
    }
    if (!target->type) {
        return sendStatus(res, noSuchResource);
    }
    const ResourceType &type = *target->type;
    if (type.kind == "SelfSubjectAccessReview" || type.kind == "SelfSubjectReview") {
        return sendStatus(res, methodNotAllowed()); // create-only: a question, not something stored
    }
    if (isServiceProxy(*target)) {
        return proxy(req, res, *target);
    }
    if (isPodLog(*target)) {
        return podLog(req, res, *target);
    }
    if (isScaleTarget(*target)) {
        const auto scale = getScale(m_store, *target);
        return failed(scale, res) ? void() : sendJson(res, 200, std::get<json>(scale));
    }
    if (!target->subresource.empty() && !isStatusTarget(*target)) {
        return sendStatus(res, noSuchResource); // a subresource this API server does not serve
    }
    if (target->name.empty()) {
        return list(req, res, *target);
    }
    const auto object = m_store.get(type, target->namespaceName, target->name);
    if (failed(object, res)) {
        return;
    }
    if (wantsTable(req.get_header_value("Accept"))) {
        return sendJson(res, 200,
                        tableOf(type, {std::get<json>(object)}, m_store.currentResourceVersion(),
                                param(req, "includeObject") == "Object"));
    }
    sendJson(res, 200, std::get<json>(object));
}

// The service proxy: /api/v1/namespaces/NS/services/NAME[:PORT]/proxy/PATH. The demo's pods serve
// /metrics; a flagger-loadtester Service's pod serves the loadtester's gate API.
void ResourceApi::proxy(const httplib::Request &req, httplib::Response &res, const Target &target)
{
    const std::string service = target.name.substr(0, target.name.find(':'));
    if (service != "flagger-loadtester" || (target.subresource.size() == 2 && target.subresource[1] == "metrics")) {
        return req.method == "GET" ? proxyMetrics(res, target) : sendStatus(res, methodNotAllowed());
    }
    const auto found = m_store.get(*target.type, target.namespaceName, service);
    if (failed(found, res)) {
        return;
    }
    // NAME:PORT names the Service's port by name or number, as kube-apiserver resolves it.
    if (const auto colon = target.name.find(':'); colon != std::string::npos) {
        const std::string port = target.name.substr(colon + 1);
        bool known = false;
        for (const json &p : valueAt(std::get<json>(found), "/spec/ports", json::array())) {
            known = known || textAt(p, "/name") == port || std::to_string(integerAt(p, "/port", 0)) == port;
        }
        if (!known) {
            return sendStatus(res, {503, "ServiceUnavailable",
                                    "no service port \"" + port + "\" found for service \"" + service + "\""});
        }
    }
    std::string path;
    for (std::size_t i = 1; i < target.subresource.size(); ++i) {
        path += "/" + target.subresource[i];
    }
    const LoadtesterGates::Reply reply =
        m_model.loadtesterGates().serve(target.namespaceName + "/" + service, path.empty() ? "/" : path, req.body);
    res.status = reply.status;
    res.set_content(reply.body, "text/plain; charset=utf-8");
}

void ResourceApi::proxyMetrics(httplib::Response &res, const Target &target)
{
    const std::string service = target.name.substr(0, target.name.find(':'));
    const auto text = m_model.exposition(target.namespaceName, service);
    if (!text) {
        return sendStatus(res, notFound(*target.type, service));
    }
    if (target.subresource.size() != 2 || target.subresource[1] != "metrics") {
        return sendStatus(res, {404, "NotFound", "the service \"" + service + "\" serves only /metrics"});
    }
    res.set_content(*text, "text/plain; version=0.0.4; charset=utf-8");
}

// GET /api/v1/namespaces/NS/pods/NAME/log: the pod's access log, as `kubectl logs` reads it
// (tailLines, limitBytes, container; follow streams new lines until the client goes, at most 30 min).
void ResourceApi::list(const httplib::Request &req, httplib::Response &res, const Target &target)
{
    const ResourceType &type = *target.type;
    ApiStatus error;
    const auto filter = filterFor(req, type, &error);
    if (!filter) {
        return sendStatus(res, error);
    }
    if (truthy(param(req, "watch"))) {
        return serveWatch({m_store, m_faults, m_guard}, req, res, type, target.namespaceName, *filter);
    }
    // limit + continue: the token carries the list's version and the key the next page starts after.
    const std::string token = param(req, "continue");
    const std::size_t colon = token.find(':');
    if (!token.empty() && (colon == std::string::npos || colon + 1 == token.size())) {
        return sendStatus(res, badRequest("continue key is not valid: " + token));
    }
    const std::string after = token.empty() ? std::string() : token.substr(colon + 1);
    std::size_t limit = 0;
    try {
        limit = param(req, "limit").empty() ? 0 : std::stoul(param(req, "limit"));
    } catch (const std::exception &) {
        return sendStatus(res, badRequest("limit must be a number"));
    }
    ListSnapshot snapshot = m_store.list(type, target.namespaceName, *filter, after, limit);
    json metadata = {{"resourceVersion", std::to_string(snapshot.resourceVersion)}};
    if (limit > 0 && snapshot.matching > limit) {
        metadata["continue"] = std::to_string(snapshot.resourceVersion) + ":" + snapshot.last;
        if (param(req, "labelSelector").empty() && param(req, "fieldSelector").empty()) {
            metadata["remainingItemCount"] = snapshot.matching - limit; // kube counts only unfiltered lists
        }
    }
    if (wantsTable(req.get_header_value("Accept"))) {
        // The page's continue token too: kubectl asks for tables 500 rows at a time and reads on
        // only when a page says there is more.
        json table = tableOf(type, snapshot.items, snapshot.resourceVersion, param(req, "includeObject") == "Object");
        table["metadata"] = metadata;
        return sendJson(res, 200, table);
    }
    json items = json::array();
    for (json &item : snapshot.items) {
        if (type.builtin) {
            item.erase("kind"); // built-in list items carry no kind or apiVersion
            item.erase("apiVersion");
        }
        items.push_back(std::move(item));
    }
    sendJson(
        res, 200,
        {{"kind", type.kind + "List"}, {"apiVersion", type.groupVersion()}, {"metadata", metadata}, {"items", items}});
}

void ResourceApi::patch(const httplib::Request &req, httplib::Response &res)
{
    bool dryRun = false;
    if (const auto problem = dryRunOf(req, &dryRun)) {
        return sendStatus(res, *problem);
    }
    if (const auto target = parseTarget(req.path); target && isScaleTarget(*target)) {
        std::string body;
        if (const auto problem = checkScaleFields(req, res, &body)) {
            return sendStatus(res, *problem);
        }
        // A JSON patch names paths: the Scale it makes is what is decoded under the directive.
        const auto checkResult = [&](const json &patched) { return checkFields(req, res, scaleType(), patched); };
        const auto scale =
            patchScale(m_store, *target, req.get_header_value("Content-Type"), body, dryRun, checkResult);
        return failed(scale, res) ? void() : sendJson(res, 200, std::get<json>(scale));
    }
    bool status = false;
    if (const auto target = objectTarget(req, res, &status)) {
        // kube's order: the options, then the object (404), then the fields the patch would write.
        if (const auto problem = checkDirective(req)) {
            return sendStatus(res, *problem);
        }
        if (!m_store.contains(*target->type, target->namespaceName, target->name)) {
            return sendStatus(res, notFound(*target->type, target->name));
        }
        std::string body;
        if (const auto problem = checkPatchFields(req, res, *target->type, &body)) {
            return sendStatus(res, *problem);
        }
        // A JSON patch names paths, not fields: what it adds is known once it is applied, and kube
        // decodes that result under the directive.
        ObjectStore::AdmitPatched checkResult;
        if (req.get_header_value("Content-Type").rfind("application/json-patch+json", 0) == 0) {
            checkResult = [&](json &patched) { return checkFieldsOf(req, res, *target->type, patched); };
        }
        const auto patched = m_store.patch(*target->type, target->namespaceName, target->name,
                                           req.get_header_value("Content-Type"), body, status, dryRun, checkResult);
        if (!failed(patched, res)) {
            sendJson(res, 200, std::get<json>(patched));
        }
    }
}

void ResourceApi::update(const httplib::Request &req, httplib::Response &res)
{
    bool dryRun = false;
    if (const auto problem = dryRunOf(req, &dryRun)) {
        return sendStatus(res, *problem);
    }
    if (const auto target = parseTarget(req.path); target && isScaleTarget(*target)) {
        std::string body;
        if (const auto problem = checkScaleFields(req, res, &body)) {
            return sendStatus(res, *problem);
        }
        const auto scale = updateScale(m_store, *target, body, dryRun);
        return failed(scale, res) ? void() : sendJson(res, 200, std::get<json>(scale));
    }
    bool status = false;
    const auto target = objectTarget(req, res, &status);
    if (!target) {
        return;
    }
    if (const auto problem = Admission::jsonBody(req)) {
        return sendStatus(res, *problem);
    }
    std::string body;
    if (const auto problem = checkPatchFields(req, res, *target->type, &body)) { // a whole object: a patch of all
        return sendStatus(res, *problem);
    }
    const auto updated = m_store.update(*target->type, target->namespaceName, target->name, body, status, dryRun);
    if (!failed(updated, res)) {
        sendJson(res, 200, std::get<json>(updated));
    }
}

void ResourceApi::create(const httplib::Request &req, httplib::Response &res)
{
    const auto target = parseTarget(req.path);
    if (target && isServiceProxy(*target)) {
        return proxy(req, res, *target); // a POST through the proxy is the pod's, whatever its body
    }
    if (target && !target->type) {
        return sendStatus(res, noSuchResource); // as a GET of it: the server has no such resource
    }
    if (!target || !target->name.empty()) {
        return sendStatus(res, methodNotAllowed());
    }
    if (const auto problem = Admission::jsonBody(req)) {
        return sendStatus(res, *problem);
    }
    const Outcome<json> parsed = parseBody(req.body);
    if (failed(parsed, res)) {
        return;
    }
    const json &object = std::get<json>(parsed);
    if (!object.is_object()) {
        return sendStatus(res, badRequest("the request body is not a JSON object"));
    }
    if (target->type->kind == "SelfSubjectAccessReview") {
        return accessReview(object, res);
    }
    if (target->type->kind == "SelfSubjectReview") {
        return selfReview(res);
    }
    if (const auto problem =
            Admission::namespaceOpen(m_store, *target->type, target->namespaceName, textAt(object, "/metadata/name"))) {
        return sendStatus(res, *problem);
    }
    bool dryRun = false;
    if (const auto problem = dryRunOf(req, &dryRun)) {
        return sendStatus(res, *problem);
    }
    json checked = object;
    if (const auto problem = checkFieldsOf(req, res, *target->type, checked)) {
        return sendStatus(res, *problem);
    }
    const auto created = m_store.create(*target->type, target->namespaceName, std::move(checked), dryRun, true);
    if (!failed(created, res)) {
        sendJson(res, 201, std::get<json>(created));
    }
}

// Answers "may I?" from the same rules the server enforces; nothing is stored.
void ResourceApi::accessReview(const json &review, httplib::Response &res)
{
    std::string resource = textAt(review, "/spec/resourceAttributes/resource");
    if (const std::string subresource = textAt(review, "/spec/resourceAttributes/subresource"); !subresource.empty()) {
        resource += "/" + subresource;
    }
    const bool allowed = !m_rbac || m_rbac->allows(textAt(review, "/spec/resourceAttributes/verb"), resource,
                                                   textAt(review, "/spec/resourceAttributes/namespace"));
    json answer = review;
    answer["kind"] = "SelfSubjectAccessReview";
    answer["apiVersion"] = "authorization.k8s.io/v1";
    answer["status"] = {{"allowed", allowed}};
    if (!allowed) {
        answer["status"]["denied"] = true;
        answer["status"]["reason"] = "denied by the rules in " + m_rbac->source();
    }
    sendJson(res, 201, answer);
}

// "Who am I": every request the sim lets through is made as its one user.
void ResourceApi::selfReview(httplib::Response &res)
{
    json answer = {{"kind", "SelfSubjectReview"},
                   {"apiVersion", "authentication.k8s.io/v1"},
                   {"metadata", {{"creationTimestamp", nullptr}}},
                   {"status", {{"userInfo", {{"username", simUser}, {"groups", {"system:authenticated"}}}}}}};
    sendJson(res, 201, answer);
}

void ResourceApi::remove(const httplib::Request &req, httplib::Response &res)
{
    const auto target = parseTarget(req.path);
    if (target && !target->type) {
        return sendStatus(res, noSuchResource);
    }
    if (!target || target->name.empty()) {
        return sendStatus(res, methodNotAllowed());
    }
    if (!target->subresource.empty()) {
        // No object is deleted through a subresource: the ones served here take no DELETE, and
        // any other is no resource at all.
        const bool served =
            isStatusTarget(*target) || isScaleTarget(*target) || isServiceProxy(*target) || isPodLog(*target);
        return sendStatus(res, served ? methodNotAllowed() : noSuchResource);
    }
    bool dryRun = false;
    if (const auto problem = dryRunOf(req, &dryRun)) {
        return sendStatus(res, *problem);
    }
    if (const auto problem = Admission::namespaceDeletable(*target->type, target->name)) {
        return sendStatus(res, *problem);
    }
    const auto options = removeOptionsOf(req, dryRun);
    if (failed(options, res)) {
        return;
    }
    const auto removed =
        m_store.remove(*target->type, target->namespaceName, target->name, std::get<RemoveOptions>(options));
    if (!failed(removed, res)) {
        sendJson(res, 200, std::get<json>(removed));
    }
}

} // namespace Curtain::Sim

#include "sim/patching.h"

#include <algorithm>
#include <sstream>

namespace Curtain::Sim {

using nlohmann::json;

namespace {

std::string mergeKeyFor(const std::string &field, const json &list)
{
    if (field == "containers" || field == "initContainers" || field == "env" || field == "volumes" ||
        field == "volumeMounts" || field == "imagePullSecrets") {
        return "name";
    }
    if (field == "ports") {
        for (const json &item : list) {
            if (item.is_object() && item.contains("containerPort")) {
                return "containerPort";
            }
        }
        return "port";
    }
    return {};
}

json mergeValue(const std::string &field, const json &original, const json &patch);

json mergeMap(const json &original, const json &patch)
{
    if (patch.contains("$patch") && patch["$patch"] == "replace") {
        json replaced = patch;
        replaced.erase("$patch");
        return replaced;
    }
    json result = original.is_object() ? original : json::object();
    for (auto it = patch.begin(); it != patch.end(); ++it) {
        const std::string &key = it.key();
        if (isStrategicDirective(key)) {
            continue;
        }
        if (it->is_null() || (it->is_object() && it->contains("$patch") && (*it)["$patch"] == "delete")) {
            result.erase(key);
            continue;
        }
        result[key] = result.contains(key) ? mergeValue(key, result[key], *it) : mergeValue(key, json(), *it);
    }
    // $retainKeys: the map keeps only these (kubectl sends it for a Deployment's strategy, so that
    // switching to Recreate drops rollingUpdate).
    if (const auto retain = patch.find("$retainKeys"); retain != patch.end() && retain->is_array()) {
        for (auto it = result.begin(); it != result.end();) {
            it =
                std::find(retain->begin(), retain->end(), it.key()) == retain->end() ? result.erase(it) : std::next(it);
        }
    }
    return result;
}

json mergeList(const std::string &field, const json &original, const json &patch)
{
    const std::string key = mergeKeyFor(field, patch);
    if (key.empty() || !original.is_array()) {
        json cleaned = json::array();
        for (const json &item : patch) {
            if (!(item.is_object() && item.contains("$patch"))) {
                cleaned.push_back(item);
            }
        }
        return cleaned;
    }
    json result = original;
    for (const json &item : patch) {
        if (!item.is_object() || !item.contains(key)) {
            continue;
        }
        auto match = std::find_if(result.begin(), result.end(), [&](const json &existing) {
            return existing.is_object() && existing.value(key, json()) == item[key];
        });
        const bool remove = item.contains("$patch") && item["$patch"] == "delete";
        if (remove) {
            if (match != result.end()) {
                result.erase(match);
            }
        } else if (match != result.end()) {
            *match = mergeMap(*match, item);
        } else {
            result.push_back(mergeMap(json::object(), item));
        }
    }
    return result;
}

json mergeValue(const std::string &field, const json &original, const json &patch)
{
    if (patch.is_object()) {
        return mergeMap(original, patch);
    }
    if (patch.is_array()) {
        return mergeList(field, original, patch);
    }
    return patch;
}

std::string trim(const std::string &s)
{
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string::npos) {
        return {};
    }
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// Splits on commas that are not inside parentheses.
std::vector<std::string> splitTerms(const std::string &text)
{
    std::vector<std::string> terms;
    std::string current;
    int depth = 0;
    for (char c : text) {
        if (c == '(') {
            ++depth;
        } else if (c == ')') {
            --depth;
        }
        if (c == ',' && depth == 0) {
            terms.push_back(trim(current));
            current.clear();
        } else {
            current += c;
        }
    }
    if (!trim(current).empty() || !terms.empty()) {
        terms.push_back(trim(current));
    }
    return terms;
}

} // namespace

bool isStrategicDirective(const std::string &key)
{
    return key == "$patch" || key == "$retainKeys" || key.rfind("$setElementOrder/", 0) == 0 ||
           key.rfind("$deleteFromPrimitiveList/", 0) == 0;
}

json strategicMerge(const json &original, const json &patch)
{
    return mergeMap(original, patch);
}

std::optional<LabelSelector> LabelSelector::parse(const std::string &text, std::string *error)
{
    LabelSelector selector;
    for (const std::string &term : splitTerms(text)) {
        if (term.empty()) {
            *error = "empty term in label selector \"" + text + "\"";
            return std::nullopt;
        }
        Requirement req;
        std::size_t pos = 0;
        if ((pos = term.find("!=")) != std::string::npos) {
            req = {trim(term.substr(0, pos)), Requirement::Op::NotEquals, {trim(term.substr(pos + 2))}};
        } else if ((pos = term.find("==")) != std::string::npos) {
            req = {trim(term.substr(0, pos)), Requirement::Op::Equals, {trim(term.substr(pos + 2))}};
        } else if ((pos = term.find('=')) != std::string::npos) {
            req = {trim(term.substr(0, pos)), Requirement::Op::Equals, {trim(term.substr(pos + 1))}};
        } else if (const auto open = term.find('('); open != std::string::npos) {
            const auto close = term.find(')', open);
            std::istringstream head(term.substr(0, open));
            std::string key;
            std::string op;
            head >> key >> op;
            if (close == std::string::npos || (op != "in" && op != "notin")) {
                *error = "cannot parse \"" + term + "\" in label selector";
                return std::nullopt;
            }
            req.key = key;
            req.op = op == "in" ? Requirement::Op::In : Requirement::Op::NotIn;
            for (const std::string &value : splitTerms(term.substr(open + 1, close - open - 1))) {
                req.values.push_back(value);
            }
        } else if (term[0] == '!') {
            req = {trim(term.substr(1)), Requirement::Op::NotExists, {}};
        } else {
            req = {term, Requirement::Op::Exists, {}};
        }
        if (req.key.empty()) {
            *error = "a term of label selector \"" + text + "\" has no key";
            return std::nullopt;
        }
        selector.m_requirements.push_back(req);
    }
    return selector;
}

bool LabelSelector::matches(const json &labels) const
{
    for (const Requirement &req : m_requirements) {
        const bool has = labels.is_object() && labels.contains(req.key) && labels[req.key].is_string();
        const std::string value = has ? labels[req.key].get<std::string>() : std::string();
        const bool inValues = std::find(req.values.begin(), req.values.end(), value) != req.values.end();
        bool ok = false;
        switch (req.op) {
        case Requirement::Op::Equals:
        case Requirement::Op::In:
            ok = has && inValues;
            break;
        case Requirement::Op::NotEquals:
        case Requirement::Op::NotIn:
            ok = !has || !inValues;
            break;
        case Requirement::Op::Exists:
            ok = has;
            break;
        case Requirement::Op::NotExists:
            ok = !has;
            break;
        }
        if (!ok) {
            return false;
        }
    }
    return true;
}

bool selectorMatches(const json &selector, const json &labels)
{
    if (!selector.is_object() || selector.empty() || !labels.is_object()) {
        return false;
    }
    for (auto it = selector.begin(); it != selector.end(); ++it) {
        if (!labels.contains(it.key()) || labels[it.key()] != *it) {
            return false;
        }
    }
    return true;
}

} // namespace Curtain::Sim

// SQL migration files as `curtainctl migration lint` reads them (Flyway, golang-migrate, Rails and
// Django dumps): PostgreSQL's parser, then every rule over its tree. Findings or the line that does
// not parse, never a crash; each finding points inside the text. The first byte picks the options.

#include "db/sqllint.h"

#include <cstddef>
#include <cstdint>

using namespace Curtain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size == 0) {
        return 0;
    }
    Db::LintOptions options;
    options.inTransaction = data[0] & 1;
    options.timeoutsSetByRunner = data[0] & 2;
    options.afterContract = data[0] & 4;
    const QByteArray text(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    const auto findings = Db::lintSql(text, options);
    if (!findings.ok()) {
        return 0;
    }
    const qsizetype lines = text.count('\n') + 1;
    for (const Db::LintFinding &finding : findings.value()) {
        if (finding.rule.isEmpty() || finding.line < 1 || finding.line > lines || finding.column < 1 ||
            finding.problem.isEmpty()) {
            __builtin_trap(); // a finding that names no rule, or a place outside the file
        }
    }
    return 0;
}

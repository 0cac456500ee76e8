#pragma once

#include "core/result.h"
#include "db/migration.h"
#include "db/sqllint.h"

#include <QString>

namespace Curtain::Engine {

// Reads a pgroll-format migration from a YAML or JSON file. Its name is the file's base name
// ("03_add_column" from 03_add_column.yaml) unless the file names itself; errors name the file and,
// through Db::parseMigration, the operation and field.
Core::Result<Db::Migration> loadMigrationFile(const QString &path);
Core::Result<Db::Migration> parseMigrationText(const QByteArray &text, const QString &origin, const QString &name);

// The linter's findings for one file: SQL (.sql, or anything that is not YAML or JSON) read by
// PostgreSQL's parser, a pgroll file (.yaml, .yml, .json) by its raw SQL. An error when the file cannot
// be read or does not parse, naming the file and the line.
Core::Result<QList<Db::LintFinding>> lintMigrationFile(const QString &path, const Db::LintOptions &options = {});
// The findings for a pgroll migration's text, as the console shows them before Expand runs it; none
// when it does not parse (Expand then names the problem).
QList<Db::LintFinding> lintMigrationText(const QByteArray &text, const QString &path);

} // namespace Curtain::Engine

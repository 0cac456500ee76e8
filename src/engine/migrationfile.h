#pragma once

#include "core/result.h"
#include "db/migration.h"

#include <QString>

namespace Curtain::Engine {

// Reads a pgroll-format migration from a YAML or JSON file. Its name is the file's base name
// ("03_add_column" from 03_add_column.yaml) unless the file names itself; errors name the file and,
// through Db::parseMigration, the operation and field.
Core::Result<Db::Migration> loadMigrationFile(const QString &path);
Core::Result<Db::Migration> parseMigrationText(const QByteArray &text, const QString &origin, const QString &name);

} // namespace Curtain::Engine

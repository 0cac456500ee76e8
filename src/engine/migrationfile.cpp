#include "engine/migrationfile.h"

#include "kube/inputfile.h"
#include "kube/yamldocuments.h"

#include <QFileInfo>

namespace Curtain::Engine {

Core::Result<Db::Migration> parseMigrationText(const QByteArray &text, const QString &origin, const QString &name)
{
    // Through the bounded YAML reader (JSON is YAML): a migration file is outside input.
    const auto documents = Kube::parseYamlDocuments(text, origin, Kube::YamlScalars::Typed);
    if (!documents.ok()) {
        return documents.error();
    }
    if (documents.value().size() != 1) {
        return Core::makeError(Core::ErrorKind::InvalidInput,
                               QStringLiteral("%1: a migration file holds one document, this one has %2")
                                   .arg(origin)
                                   .arg(documents.value().size()));
    }
    const Kube::Json &document = *documents.value().begin();
    return Db::parseMigration(QByteArray::fromStdString(document.dump()), origin, name);
}

Core::Result<Db::Migration> loadMigrationFile(const QString &path)
{
    const auto text = Kube::readConfigFile(path);
    if (!text.ok()) {
        return Core::makeError(Core::ErrorKind::InvalidInput,
                               QStringLiteral("the migration file %1 %2").arg(path, text.error().message));
    }
    return parseMigrationText(text.value(), path, QFileInfo(path).completeBaseName());
}

Core::Result<QList<Db::LintFinding>> lintMigrationFile(const QString &path, const Db::LintOptions &options)
{
    const auto text = Kube::readConfigFile(path);
    if (!text.ok()) {
        return Core::makeError(Core::ErrorKind::InvalidInput, QStringLiteral("%1 %2").arg(path, text.error().message));
    }
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("yaml") || suffix == QLatin1String("yml") || suffix == QLatin1String("json")) {
        const auto migration = parseMigrationText(text.value(), path, QFileInfo(path).completeBaseName());
        if (!migration.ok()) {
            return migration.error();
        }
        return Db::lintMigration(migration.value());
    }
    const auto findings = Db::lintSql(text.value(), options);
    if (!findings.ok()) {
        return Core::makeError(Core::ErrorKind::InvalidInput,
                               QStringLiteral("%1:%2").arg(path, findings.error().message));
    }
    return findings;
}

QList<Db::LintFinding> lintMigrationText(const QByteArray &text, const QString &path)
{
    const auto migration = parseMigrationText(text, path, QFileInfo(path).completeBaseName());
    return migration.ok() ? Db::lintMigration(migration.value()) : QList<Db::LintFinding>();
}

} // namespace Curtain::Engine

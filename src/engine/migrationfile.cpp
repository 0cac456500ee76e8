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

} // namespace Curtain::Engine

#pragma once

#include <QString>
#include <QStringList>

// SQL text Curtain writes: quoting and the names of its own objects. Pure, so it is tested alone.
namespace Curtain::Db {

QString ident(const QString &name);                            // "name", quotes doubled
QString qualified(const QString &schema, const QString &name); // "schema"."name"
QString literal(const QString &text);                          // 'text', quotes doubled
QString identList(const QStringList &names);                   // "a", "b"

// A name of Curtain's own within PostgreSQL's 63 bytes: the readable prefix and parts, cut, with a
// hash of the whole so two long names never meet ("_curtain_new_description", "_curtain_up_…_3f2a9c1b").
QString ownName(const QString &prefix, const QStringList &parts);

QString temporaryColumn(const QString &column); // the new column while both versions live

} // namespace Curtain::Db

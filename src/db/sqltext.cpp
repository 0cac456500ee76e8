#include "db/sqltext.h"

#include <QCryptographicHash>

namespace Curtain::Db {

QString ident(const QString &name)
{
    QString quoted = name;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString qualified(const QString &schema, const QString &name)
{
    return ident(schema) + QLatin1Char('.') + ident(name);
}

QString literal(const QString &text)
{
    // standard_conforming_strings is on (PostgreSQL's default since 9.1): only quotes need doubling.
    QString quoted = text;
    quoted.replace(QLatin1Char('\''), QStringLiteral("''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

QString identList(const QStringList &names)
{
    QStringList quoted;
    for (const QString &name : names) {
        quoted << ident(name);
    }
    return quoted.join(QStringLiteral(", "));
}

QString ownName(const QString &prefix, const QStringList &parts)
{
    const QString whole = prefix + parts.join(QLatin1Char('_'));
    if (whole.toUtf8().size() <= 63) {
        return whole;
    }
    const QString hash =
        QString::fromLatin1(QCryptographicHash::hash(whole.toUtf8(), QCryptographicHash::Sha256).toHex().left(8));
    QString cut = whole;
    while (cut.toUtf8().size() > 63 - 9) {
        cut.chop(1);
    }
    return cut + QLatin1Char('_') + hash;
}

QString temporaryColumn(const QString &column)
{
    return ownName(QStringLiteral("_curtain_new_"), {column});
}

} // namespace Curtain::Db

#include "core/displaytext.h"

#include <QRegularExpression>

#include <algorithm>

namespace Curtain::Core {

namespace {

// C0, DEL and C1 controls, and the bidirectional embeddings, overrides and isolates that can make
// text read differently from what it is.
bool isControl(char16_t c)
{
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

QString escape(char16_t c)
{
    switch (c) {
    case u'\n':
        return QStringLiteral("\\n");
    case u'\r':
        return QStringLiteral("\\r");
    case u'\t':
        return QStringLiteral("\\t");
    default:
        return c <= 0xff ? QStringLiteral("\\x%1").arg(int(c), 2, 16, QLatin1Char('0'))
                         : QStringLiteral("\\u%1").arg(int(c), 4, 16, QLatin1Char('0'));
    }
}

} // namespace

QString withoutControlCharacters(const QString &text)
{
    if (std::none_of(text.begin(), text.end(), [](QChar c) { return isControl(c.unicode()); })) {
        return text;
    }
    QString out;
    out.reserve(text.size() + 16);
    for (const QChar c : text) {
        if (isControl(c.unicode())) {
            out += escape(c.unicode());
        } else {
            out += c;
        }
    }
    return out;
}

bool hasControlOrSpace(const QString &text)
{
    return std::any_of(text.begin(), text.end(),
                       [](QChar c) { return c.category() == QChar::Other_Control || c.isSpace(); });
}

QString shown(const QString &text, qsizetype maxChars)
{
    if (text.size() <= maxChars) {
        return withoutControlCharacters(text);
    }
    qsizetype cut = maxChars;
    if (cut > 0 && text.at(cut - 1).isHighSurrogate()) {
        --cut; // never half a character
    }
    return withoutControlCharacters(text.left(cut)) + QStringLiteral("…");
}

QString briefly(const QString &message)
{
    static const QRegularExpression url(QStringLiteral(R"((https?://[^/\s?#]+)[/?#][^\s),;]*)"));
    static const QRegularExpression detail(QStringLiteral(R"((cannot reach \S+) \([^()]*\))"));
    QString out = message;
    out.replace(url, QStringLiteral("\\1"));
    out.replace(detail, QStringLiteral("\\1"));
    return out;
}

QString headline(const QString &message)
{
    return briefly(message).section(QStringLiteral("; "), 0, 0);
}

} // namespace Curtain::Core

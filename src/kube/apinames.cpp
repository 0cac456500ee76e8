#include "kube/apinames.h"

#include <QUrl>

namespace Curtain::Kube {

namespace {

bool isLowerAlnum(QChar c)
{
    return (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('0') && c <= QLatin1Char('9'));
}

bool isAlnum(QChar c)
{
    return isLowerAlnum(c) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'));
}

// [a-z0-9]([-a-z0-9]*[a-z0-9])?
bool isLabel(QStringView text)
{
    if (text.isEmpty() || !isLowerAlnum(text.front()) || !isLowerAlnum(text.back())) {
        return false;
    }
    return std::all_of(text.begin(), text.end(), [](QChar c) { return isLowerAlnum(c) || c == QLatin1Char('-'); });
}

} // namespace

QString namespaceProblem(const QString &name)
{
    if (name.size() <= 63 && isLabel(name)) {
        return {};
    }
    return QStringLiteral("a namespace is at most 63 lower-case letters, digits and '-', starting and ending with a "
                          "letter or digit");
}

QString objectNameProblem(const QString &name)
{
    const auto labels = QStringView(name).split(QLatin1Char('.'));
    if (name.size() <= 253 && std::all_of(labels.begin(), labels.end(), isLabel)) {
        return {};
    }
    return QStringLiteral("a name is at most 253 lower-case letters, digits, '-' and '.', starting and ending with a "
                          "letter or digit");
}

QString releaseNameProblem(const QString &name)
{
    const bool valid = !name.isEmpty() && name.size() <= 253 && isAlnum(name.front()) && isAlnum(name.back()) &&
                       std::all_of(name.begin(), name.end(), [](QChar c) {
                           return isAlnum(c) || c == QLatin1Char('-') || c == QLatin1Char('_') || c == QLatin1Char('.');
                       });
    if (valid) {
        return {};
    }
    return QStringLiteral("a release name is at most 253 letters, digits, '-', '_' and '.', starting and ending "
                          "with a letter or digit");
}

QString pathSegment(const QString &segment)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(segment));
}

} // namespace Curtain::Kube

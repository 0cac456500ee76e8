#pragma once

#include <QString>

namespace Curtain::Core {

// Text from outside (a name typed on the command line, a value in a file, a server's message)
// made safe to put in a message: control characters are written as escapes (\n, \r, \t, \x1b,
// \u202e for the bidirectional overrides) so they cannot move the cursor, recolour or retitle a
// terminal or fake another line; and text longer than `maxChars` is cut there and ends in "…".
QString shown(const QString &text, qsizetype maxChars = 200);

// The escaping of shown() without the cut: for a whole message about to be printed.
QString withoutControlCharacters(const QString &text);

// A message for a narrow place on screen: every URL in it cut to scheme, host and port, and the
// libcurl detail in parentheses after "cannot reach" dropped ("cannot reach http://10.0.0.1:6443").
// The whole message belongs in the tooltip beside it.
QString briefly(const QString &message);

// briefly(), and only its first clause (up to "; "): what went wrong, without the advice that
// follows — for a status line or a panel's one line, whose tooltip holds the whole message.
QString headline(const QString &message);

// Whether text holds a control character (C0, DEL, C1) or whitespace (Unicode's too): such text
// cannot be one token of a configuration line, an address, a path or a URL.
bool hasControlOrSpace(const QString &text);

} // namespace Curtain::Core

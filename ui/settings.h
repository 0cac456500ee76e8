#pragma once

#include <QStringList>

// What the console remembers between runs, through QSettings (on Linux ~/.config/Curtain/Curtain.conf).
namespace Curtain::Ui::Settings {

// safety/protectedContexts: wildcard patterns ("*prod*", "arn:*:cluster/live-*") of kubeconfig
// contexts where moving traffic towards an unproven version needs the release's name typed.
// Default "*prod*"; an empty list protects none.
QStringList protectedContexts();

} // namespace Curtain::Ui::Settings

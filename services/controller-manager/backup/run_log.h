// RunLog is the log of one backup or restore, in Velero's logfmt lines
// (time="..." level=info msg="..."), counting the warnings and errors the
// run's status reports. Written to backup.log / restore.log at the end.
// Not synchronised: one run is worked by one worker at a time.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"
#include "services/controller-manager/backup/backup_location.h"

namespace ordo::backup {

class RunLog {
 public:
  explicit RunLog(Clock& clock) : clock_(&clock) {}

  // `level` is "info", "warning" or "error".
  void Add(const std::string& level, const std::string& message) {
    lines_.push_back(absl::StrCat(
        "time=\"", absl::FormatTime(kLogTimeFormat, clock_->Now(), absl::UTCTimeZone()),
        "\" level=", level, " msg=\"", message, "\""));
    if (level == "warning") ++warnings_;
    if (level == "error") ++errors_;
  }
  int warnings() const { return warnings_; }
  int errors() const { return errors_; }
  std::string Text() const { return absl::StrJoin(lines_, "\n") + "\n"; }

 private:
  Clock* clock_;
  std::vector<std::string> lines_;
  int warnings_ = 0;
  int errors_ = 0;
};

}  // namespace ordo::backup

/* CLI verbs; each returns the process exit status. */
#ifndef ST_COMMANDS_H
#define ST_COMMANDS_H

int cmd_run(int argc, char **argv);
int cmd_hook(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_check(int argc, char **argv);

#endif

/*
 * screen — the only file that talks to curses: start and stop, paint lines,
 * read keys and mouse events, and the signals that must leave the terminal as it was.
 *
 * The terminal: stdin and stdout; when asked (perftop run, whose command
 * takes the user's redirections), /dev/tty when they are not both one, so
 * `perftop run -- cmd > out.txt` keeps the screen while cmd writes the file.
 *
 * Signals: SIGINT, SIGTERM and SIGHUP ask the loop to quit (the last one is
 * kept for ui_stop_signal()) and SIGWINCH to resize;
 * their handlers only write one byte to a self-pipe the loop polls. They are
 * installed before curses starts, so curses keeps its hands off them. A
 * crash (SIGSEGV, SIGBUS, SIGFPE, SIGABRT) and fatal() call endwin() first,
 * best effort, then the crash takes its default course.
 */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "ui/ui_internal.h"
#include "util/xalloc.h"

/* From <term.h>, which cannot be included here: its capability macros
 * (lines, columns, ...) would rename ordinary identifiers. */
struct term;
extern struct term *cur_term;
int setupterm(const char *term, int fd, int *errret);
int del_curterm(struct term *oterm);

static SCREEN *screen;
static volatile sig_atomic_t screen_up;
static int sig_pipe[2] = { -1, -1 };
static volatile sig_atomic_t sig_bits;

static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGILL };
static const int loop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH };
static struct sigaction saved_loop[4];
static volatile sig_atomic_t quit_signal;
static int tty_in = STDIN_FILENO, tty_out = STDOUT_FILENO; /* the screen's terminal */
static FILE *tty_file; /* /dev/tty when stdin or stdout is not the terminal */

static void on_loop_signal(int sig)
{
	int saved = errno;
	char byte = (char)sig;

	if (sig != SIGWINCH)
		quit_signal = sig;
	sig_bits |= sig == SIGWINCH ? SCREEN_SIG_RESIZE : SCREEN_SIG_QUIT;
	if (write(sig_pipe[1], &byte, 1) < 0) {
		/* the pipe is full: the loop is awake already */
	}
	errno = saved;
}

static void on_crash(int sig)
{
	if (screen_up) {
		screen_up = 0;
		endwin(); /* not async-signal-safe; best effort on the way down */
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void fatal_hook(void)
{
	if (screen_up) {
		screen_up = 0;
		endwin();
	}
}

int screen__install_signals(char *why, size_t why_len)
{
	struct sigaction sa;

	if (sig_pipe[0] < 0) {
		if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
			int err = errno;

			snprintf(why, why_len, "cannot create a pipe: %s", strerror(err));
			return -err;
		}
	}
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_loop_signal;
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < sizeof(loop_signals) / sizeof(loop_signals[0]); i++)
		sigaction(loop_signals[i], &sa, &saved_loop[i]);

	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (size_t i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++)
		sigaction(crash_signals[i], &sa, NULL);
	fatal_set_hook(fatal_hook);
	return 0;
}

void screen__restore_signals(void)
{
	for (size_t i = 0; i < sizeof(loop_signals) / sizeof(loop_signals[0]); i++)
		sigaction(loop_signals[i], &saved_loop[i], NULL);
	for (size_t i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++)
		signal(crash_signals[i], SIG_DFL);
	fatal_set_hook(NULL);
}

int screen__signal_fd(void)
{
	return sig_pipe[0];
}

int screen__signals(void)
{
	char buf[64];
	int bits;

	while (read(sig_pipe[0], buf, sizeof(buf)) > 0)
		;
	bits = sig_bits;
	sig_bits = 0;
	return bits;
}

int screen__quit_signal(void)
{
	int sig = quit_signal;

	quit_signal = 0;
	return sig;
}

int screen__input_fd(void)
{
	return tty_in;
}

/* The terminal to draw on: stdin and stdout, else with any_tty /dev/tty
 * (kept open in tty_file when keep, else closed again). */
static int pick_terminal(bool any_tty, bool keep, char *why, size_t why_len)
{
	int fd;

	tty_in = STDIN_FILENO;
	tty_out = STDOUT_FILENO;
	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		return 0;
	if (!any_tty) {
		snprintf(why, why_len, "%s is not a terminal (try --batch)",
			 isatty(STDIN_FILENO) ? "standard output" : "standard input");
		return -ENOTTY;
	}
	fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || !isatty(fd)) {
		if (fd >= 0)
			close(fd);
		snprintf(why, why_len, "%s is not a terminal and there is no /dev/tty: "
			 "the screen needs a terminal (try --batch)",
			 isatty(STDIN_FILENO) ? "standard output" : "standard input");
		return -ENOTTY;
	}
	if (!keep) {
		close(fd);
		return 0;
	}
	tty_file = fdopen(fd, "r+");
	if (!tty_file) {
		close(fd);
		snprintf(why, why_len, "cannot open /dev/tty: %s", strerror(errno));
		return -ENOMEM;
	}
	tty_in = tty_out = fd;
	return 0;
}

/* Whether TERM names a terminal curses can draw on (checked on fd). */
static int check_term(int fd, char *why, size_t why_len)
{
	const char *term = getenv("TERM");
	const char *cup;
	bool moves;
	int err;

	if (!term || !*term) {
		snprintf(why, why_len,
			 "TERM is not set (set it to the terminal's type, or try --batch)");
		return -EINVAL;
	}
	/* Ask terminfo before newterm(), which leaks its half-made screen on a
	 * terminal it does not know. One that cannot move the cursor (dumb,
	 * hardcopy) would get every refresh written one after the other:
	 * refuse it before painting. */
	if (setupterm(term, fd, &err) != OK) {
		snprintf(why, why_len, "cannot start the screen for TERM '%s' (try --batch)", term);
		return -EINVAL;
	}
	cup = tigetstr("cup");
	moves = cup && cup != (char *)-1 && *cup;
	del_curterm(cur_term);
	if (!moves) {
		snprintf(why, why_len, "TERM '%s' cannot move the cursor (try --batch)", term);
		return -EINVAL;
	}
	return 0;
}

int screen__check(bool any_tty, char *why, size_t why_len)
{
	int e = pick_terminal(any_tty, false, why, why_len);

	return e < 0 ? e : check_term(STDOUT_FILENO, why, why_len);
}

static void drop_tty(void)
{
	if (tty_file)
		fclose(tty_file);
	tty_file = NULL;
	tty_in = STDIN_FILENO;
	tty_out = STDOUT_FILENO;
}

int screen__open(bool any_tty, char *why, size_t why_len)
{
	const char *term = getenv("TERM");
	int e;

	if ((e = pick_terminal(any_tty, true, why, why_len)) < 0)
		return e;
	if ((e = check_term(tty_out, why, why_len)) < 0) {
		drop_tty();
		return e;
	}
	screen = tty_file ? newterm(NULL, tty_file, tty_file) : newterm(NULL, stdout, stdin);
	if (!screen) {
		drop_tty();
		snprintf(why, why_len, "cannot start the screen for TERM '%s' (try --batch)", term);
		return -EINVAL;
	}
	set_term(screen);
	screen_up = 1;
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	leaveok(stdscr, TRUE);
	return 0;
}

void screen__close(void)
{
	if (!screen)
		return;
	if (screen_up) {
		const char *rmcup = tigetstr("rmcup");

		/* No alternate screen to leave (vt100, linux console): the
		 * screen stays, so blank its last line, where endwin() leaves
		 * the cursor and the shell's next line goes. */
		if (!rmcup || rmcup == (char *)-1 || !*rmcup) {
			move(LINES - 1, 0);
			attrset(A_NORMAL);
			clrtoeol();
			refresh();
		}
		screen_up = 0;
		endwin();
	}
	delscreen(screen);
	screen = NULL;
	drop_tty();
}

void screen__size(int *width, int *height)
{
	*width = COLS;
	*height = LINES;
}

void screen__resize(void)
{
	struct winsize ws;

	if (ioctl(tty_out, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		resizeterm(ws.ws_row, ws.ws_col);
}

void screen__paint(const struct lines *ls)
{
	int rows = LINES;

	erase();
	for (size_t y = 0; y < ls->n && (int)y < rows; y++) {
		const struct line *l = &ls->v[y];

		move((int)y, 0);
		for (size_t s = 0; s < l->nspans; s++) {
			const struct span *sp = &l->spans[s];

			attrset(theme_attr(sp->elem));
			addnstr(l->text + sp->start, (int)(sp->end - sp->start));
		}
	}
	attrset(A_NORMAL);
	refresh();
}

void screen__mouse(bool on)
{
	mmask_t mask = 0;

	if (on) {
		mask = BUTTON1_PRESSED | BUTTON2_PRESSED | BUTTON3_PRESSED | BUTTON4_PRESSED;
#ifdef BUTTON5_PRESSED
		mask |= BUTTON5_PRESSED;
#endif
	}
	/* No click resolution: presses come at once and double clicks are
	 * told here, so a click never waits for curses' interval. */
	mouseinterval(0);
	mousemask(mask, NULL);
}

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000 + (double)ts.tv_nsec / 1e6;
}

/* The pending curses mouse event as a struct ui_mouse; UI_KEY_UNKNOWN for
 * an event perftop does not use. */
static int read_mouse(struct ui_mouse *out)
{
	static double last_ms = -1e9;
	static int last_x = -1, last_y = -1;
	MEVENT ev;
	double now;

	if (getmouse(&ev) != OK)
		return UI_KEY_UNKNOWN;
	memset(out, 0, sizeof(*out));
	out->x = ev.x;
	out->y = ev.y;
	if (ev.bstate & BUTTON1_PRESSED)
		out->button = UI_MOUSE_LEFT;
	else if (ev.bstate & BUTTON2_PRESSED)
		out->button = UI_MOUSE_MIDDLE;
	else if (ev.bstate & BUTTON3_PRESSED)
		out->button = UI_MOUSE_RIGHT;
	else if (ev.bstate & BUTTON4_PRESSED)
		out->button = UI_MOUSE_WHEEL_UP;
#ifdef BUTTON5_PRESSED
	else if (ev.bstate & BUTTON5_PRESSED)
		out->button = UI_MOUSE_WHEEL_DOWN;
#endif
	else
		return UI_KEY_UNKNOWN;
	if (out->button == UI_MOUSE_LEFT) {
		now = mono_ms();
		out->double_click = now - last_ms <= UI_MOUSE_DOUBLE_MS && ev.x == last_x &&
				    ev.y == last_y;
		/* a third press starts over */
		last_ms = out->double_click ? -1e9 : now;
		last_x = ev.x;
		last_y = ev.y;
	}
	return UI_KEY_MOUSE;
}

static int translate(int code)
{
	switch (code) {
	case KEY_UP:
		return UI_KEY_UP;
	case KEY_DOWN:
		return UI_KEY_DOWN;
	case KEY_LEFT:
		return UI_KEY_LEFT;
	case KEY_RIGHT:
		return UI_KEY_RIGHT;
	case KEY_PPAGE:
		return UI_KEY_PGUP;
	case KEY_NPAGE:
		return UI_KEY_PGDN;
	case KEY_HOME:
	case KEY_A1:
		return UI_KEY_HOME;
	case KEY_END:
	case KEY_C1:
		return UI_KEY_END;
	case KEY_ENTER:
		return UI_KEY_ENTER;
	case KEY_BACKSPACE:
		return UI_KEY_BACKSPACE;
	case KEY_DC:
		return UI_KEY_DELETE;
	case KEY_BTAB:
		return UI_KEY_BTAB;
	case KEY_RESIZE:
		return UI_KEY_RESIZE;
	default:
		break;
	}
	if (code >= KEY_F(1) && code <= KEY_F(12))
		return UI_KEY_F(code - KEY_F(0));
	return UI_KEY_UNKNOWN;
}

int screen__read_key(struct ui_mouse *mouse)
{
	wint_t ch;
	int r = get_wch(&ch);

	if (r == ERR)
		return -1;
	if (r == KEY_CODE_YES && ch == KEY_MOUSE)
		return read_mouse(mouse);
	if (r == KEY_CODE_YES)
		return translate((int)ch);
	switch (ch) {
	case '\r':
	case '\n':
		return UI_KEY_ENTER;
	case 127:
	case 8:
		return UI_KEY_BACKSPACE;
	default:
		return (int)ch;
	}
}

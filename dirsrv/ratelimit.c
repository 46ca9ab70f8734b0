/*
 * ratelimit.c - token buckets per client address and kind of request:
 * failed binds, account applications, password-reset and account-name
 * requests.  A fixed table (a slot per address hash and kind); a new
 * address takes a slot over, which errs on the side of letting a
 * request through, never of refusing a stranger.
 */
#include <string.h>

#include "dirsrv.h"

#define RL_SLOTS	2048

struct rl_slot {
	char		addr[64];
	int		kind;
	double		tokens;
	uint64_t	last_ms;
};

static struct rl_slot slots[RL_SLOTS];
static pthread_mutex_t rl_mu = PTHREAD_MUTEX_INITIALIZER;

static struct rl_slot *
rl_find(int kind, const char *addr, double burst, uint64_t now)
{
	uint32_t h = 2166136261u ^ (uint32_t)kind;
	const char *p;
	struct rl_slot *s;

	for (p = addr; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	s = &slots[h % RL_SLOTS];
	if (s->kind != kind || strcmp(s->addr, addr) != 0) {
		snprintf(s->addr, sizeof(s->addr), "%s", addr);
		s->kind = kind;
		s->tokens = burst;
		s->last_ms = now;
	}
	return s;
}

/*
 * May addr make one more request of this kind?  rate is per second,
 * burst the bucket size; take = 1 consumes a token when allowed.
 */
int
ratelimit_allow(int kind, const char *addr, double rate, double burst,
    int take)
{
	struct rl_slot *s;
	uint64_t now = now_ms_monotonic();
	int ok;

	if (rate <= 0 || strcmp(addr, "ldapi") == 0)
		return 1;
	pthread_mutex_lock(&rl_mu);
	s = rl_find(kind, addr, burst, now);
	s->tokens += (double)(now - s->last_ms) * rate / 1000.0;
	if (s->tokens > burst)
		s->tokens = burst;
	s->last_ms = now;
	ok = s->tokens >= 1.0;
	if (ok && take)
		s->tokens -= 1.0;
	pthread_mutex_unlock(&rl_mu);
	return ok;
}

/* consume a token whatever the balance (a failed bind after the fact) */
void
ratelimit_take(int kind, const char *addr, double rate, double burst)
{
	struct rl_slot *s;

	if (rate <= 0 || strcmp(addr, "ldapi") == 0)
		return;
	pthread_mutex_lock(&rl_mu);
	s = rl_find(kind, addr, burst, now_ms_monotonic());
	s->tokens -= 1.0;
	pthread_mutex_unlock(&rl_mu);
}

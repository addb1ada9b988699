namespace DirectLB.Providers.Http.Server;

/// <summary>What the store says about a request's idempotency key.</summary>
internal enum IdempotencyDecision
{
    /// <summary>The key is new: run the request, then <see cref="IdempotencyStore.Finish"/> it.</summary>
    Execute,

    /// <summary>The same request already ran: answer with the stored response.</summary>
    Replay,

    /// <summary>The same key is being executed right now: the client should try again shortly.</summary>
    InFlight,

    /// <summary>The key was used for a different request: a client bug.</summary>
    KeyReused,
}

/// <summary>
/// Recent idempotency keys with the response each produced. Keys are kept for <c>lifetime</c> and at most
/// <c>capacity</c> of them (oldest go first), which bounds memory however many requests arrive.
/// </summary>
internal sealed class IdempotencyStore(TimeSpan lifetime, int capacity, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, Entry Entry)> _arrivals = new();

    public IdempotencyDecision Begin(string key, string fingerprint, out StoredResponse? stored)
    {
        lock (_gate)
        {
            Evict();
            stored = null;
            if (_entries.TryGetValue(key, out var entry))
            {
                stored = entry.Response;
                return entry.Fingerprint != fingerprint ? IdempotencyDecision.KeyReused
                    : stored is null ? IdempotencyDecision.InFlight
                    : IdempotencyDecision.Replay;
            }

            entry = new Entry(fingerprint, clock.GetUtcNow());
            _entries.Add(key, entry);
            _arrivals.Enqueue((key, entry));
            return IdempotencyDecision.Execute;
        }
    }

    /// <summary>Keeps <paramref name="response"/> for the key, or forgets the key when it is null.</summary>
    public void Finish(string key, string fingerprint, StoredResponse? response)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var entry) || entry.Fingerprint != fingerprint)
            {
                return;
            }

            if (response is null)
            {
                _entries.Remove(key);
            }
            else
            {
                entry.Response = response;
            }
        }
    }

    private void Evict()
    {
        var expired = clock.GetUtcNow() - lifetime;
        while (_arrivals.TryPeek(out var oldest) && (oldest.Entry.Arrived <= expired || _entries.Count > capacity))
        {
            _arrivals.Dequeue();

            // The key may have been forgotten and used again since; only its own arrival may evict it.
            if (_entries.TryGetValue(oldest.Key, out var current) && ReferenceEquals(current, oldest.Entry))
            {
                _entries.Remove(oldest.Key);
            }
        }
    }

    private sealed class Entry(string fingerprint, DateTimeOffset arrived)
    {
        public string Fingerprint { get; } = fingerprint;

        public DateTimeOffset Arrived { get; } = arrived;

        public StoredResponse? Response { get; set; }
    }
}

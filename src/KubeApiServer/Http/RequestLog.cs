namespace DirectLB.KubeApiServer.Http;

/// <summary>Thread-safe append-only record of served requests.</summary>
internal sealed class RequestLog
{
    private readonly Lock _lock = new();
    private readonly List<RecordedRequest> _requests = [];

    public void Add(RecordedRequest request)
    {
        lock (_lock)
        {
            _requests.Add(request);
        }
    }

    public IReadOnlyList<RecordedRequest> Snapshot()
    {
        lock (_lock)
        {
            return _requests.ToList();
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _requests.Clear();
        }
    }
}

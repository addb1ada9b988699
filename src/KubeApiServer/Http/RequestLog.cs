namespace DirectLB.KubeApiServer.Http;

/// <summary>Thread-safe record of the most recent served requests, up to a capacity.</summary>
internal sealed class RequestLog(int capacity)
{
    private readonly Lock _lock = new();
    private readonly Queue<RecordedRequest> _requests = new();

    public void Add(RecordedRequest request)
    {
        lock (_lock)
        {
            _requests.Enqueue(request);
            while (_requests.Count > capacity)
            {
                _requests.Dequeue();
            }
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

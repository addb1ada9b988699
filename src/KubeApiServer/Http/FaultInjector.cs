namespace DirectLB.KubeApiServer.Http;

/// <summary>Scripted failures: the next N requests matching a method and a path fragment get an error status.</summary>
internal sealed class FaultInjector
{
    private sealed class Fault(string method, string pathContains, int statusCode, int times)
    {
        public string Method { get; } = method;
        public string PathContains { get; } = pathContains;
        public int StatusCode { get; } = statusCode;
        public int Remaining { get; set; } = times;
    }

    private readonly Lock _lock = new();
    private readonly List<Fault> _faults = [];

    public void Add(string method, string pathContains, int statusCode, int times)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        lock (_lock)
        {
            _faults.Add(new Fault(method, pathContains, statusCode, times));
        }
    }

    /// <summary>Consumes one matching fault, oldest first.</summary>
    /// <param name="method">HTTP method, compared case-insensitively; a fault registered with "*" matches any.</param>
    /// <param name="pathAndQuery">The request's path and query string.</param>
    /// <returns>The status code to fail with, or null to serve the request normally.</returns>
    public int? TryTake(string method, string pathAndQuery)
    {
        lock (_lock)
        {
            var fault = _faults.FirstOrDefault(f =>
                (f.Method == "*" || string.Equals(f.Method, method, StringComparison.OrdinalIgnoreCase))
                && pathAndQuery.Contains(f.PathContains, StringComparison.Ordinal));
            if (fault is null)
            {
                return null;
            }
            if (--fault.Remaining == 0)
            {
                _faults.Remove(fault);
            }
            return fault.StatusCode;
        }
    }
}

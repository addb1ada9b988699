using System.Net.Sockets;
using k8s;

namespace DirectLB.Tests.Support;

/// <summary>
/// Counts how a Kubernetes client reads its connections to the API server: synchronous reads block a thread until bytes
/// arrive, asynchronous ones do not. Hooked in below the HTTP layer (the handler's connect callback), so it sees what the
/// client's HTTP connections do with the socket, whatever the library above them does.
/// </summary>
internal sealed class ConnectionReads
{
    private int _synchronous;
    private int _asynchronous;

    public int Synchronous => Volatile.Read(ref _synchronous);

    public int Asynchronous => Volatile.Read(ref _asynchronous);

    /// <summary>A configuration for <paramref name="host"/> whose connections are counted.</summary>
    public KubernetesClientConfiguration Configuration(Uri host) => new()
    {
        Host = host.ToString(),
        FirstMessageHandlerSetup = handler => handler.ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new CountingStream(new NetworkStream(socket, ownsSocket: true), this);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    private sealed class CountingStream(NetworkStream inner, ConnectionReads reads) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            Interlocked.Increment(ref reads._synchronous);
            return inner.Read(buffer);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref reads._asynchronous);
            return inner.ReadAsync(buffer, cancellationToken);
        }

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

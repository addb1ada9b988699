using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace DirectLB.Bench;

/// <summary>
/// An RGB raster with lines, boxes and a 3×5 pixel font, saved as PNG (IDAT compressed with zlib). Enough for a
/// plot, with no imaging dependency.
/// </summary>
public sealed class Canvas(int width, int height)
{
    private readonly byte[] _rgb = Enumerable.Repeat((byte)255, width * height * 3).ToArray();

    public int Width => width;

    public int Height => height;

    public void Set(int x, int y, (byte R, byte G, byte B) color)
    {
        if (x < 0 || y < 0 || x >= width || y >= height)
        {
            return;
        }

        var i = ((y * width) + x) * 3;
        (_rgb[i], _rgb[i + 1], _rgb[i + 2]) = color;
    }

    public void Box(int x, int y, int w, int h, (byte, byte, byte) color)
    {
        for (var dy = 0; dy < h; dy++)
        {
            for (var dx = 0; dx < w; dx++)
            {
                Set(x + dx, y + dy, color);
            }
        }
    }

    /// <summary>A line <paramref name="thickness"/> pixels wide (Bresenham, stamped with a square).</summary>
    public void Line(int x0, int y0, int x1, int y1, (byte, byte, byte) color, int thickness = 1)
    {
        int dx = Math.Abs(x1 - x0), sx = x0 < x1 ? 1 : -1, dy = -Math.Abs(y1 - y0), sy = y0 < y1 ? 1 : -1, err = dx + dy;
        while (true)
        {
            Box(x0 - (thickness / 2), y0 - (thickness / 2), thickness, thickness, color);
            if (x0 == x1 && y0 == y1)
            {
                return;
            }

            var e2 = 2 * err;
            if (e2 >= dy)
            {
                err += dy;
                x0 += sx;
            }

            if (e2 <= dx)
            {
                err += dx;
                y0 += sy;
            }
        }
    }

    /// <summary>Text in the 3×5 font, each font pixel <paramref name="scale"/> pixels square; unknown characters are blank.</summary>
    public void Text(int x, int y, string text, (byte, byte, byte) color, int scale = 2)
    {
        foreach (var c in text.ToLowerInvariant())
        {
            if (Glyphs.TryGetValue(c, out var rows))
            {
                for (var row = 0; row < 5; row++)
                {
                    for (var col = 0; col < 3; col++)
                    {
                        if (rows[row][col] == '#')
                        {
                            Box(x + (col * scale), y + (row * scale), scale, scale, color);
                        }
                    }
                }
            }

            x += 4 * scale;
        }
    }

    public static int TextWidth(string text, int scale = 2) => text.Length * 4 * scale;

    public byte[] ToPng()
    {
        using var png = new MemoryStream();
        png.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bits per channel
        header[9] = 2; // RGB
        Chunk(png, "IHDR", header);

        using var pixels = new MemoryStream();
        using (var zlib = new ZLibStream(pixels, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (var y = 0; y < height; y++)
            {
                zlib.WriteByte(0); // filter: none
                zlib.Write(_rgb, y * width * 3, width * 3);
            }
        }

        Chunk(png, "IDAT", pixels.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typed));
        png.Write(word);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return crc ^ 0xFFFFFFFFu;
    }

    private static readonly Dictionary<char, string[]> Glyphs = new()
    {
        ['0'] = ["###", "#.#", "#.#", "#.#", "###"],
        ['1'] = [".#.", "##.", ".#.", ".#.", "###"],
        ['2'] = ["###", "..#", "###", "#..", "###"],
        ['3'] = ["###", "..#", "###", "..#", "###"],
        ['4'] = ["#.#", "#.#", "###", "..#", "..#"],
        ['5'] = ["###", "#..", "###", "..#", "###"],
        ['6'] = ["###", "#..", "###", "#.#", "###"],
        ['7'] = ["###", "..#", "..#", "..#", "..#"],
        ['8'] = ["###", "#.#", "###", "#.#", "###"],
        ['9'] = ["###", "#.#", "###", "..#", "###"],
        ['.'] = ["...", "...", "...", "...", ".#."],
        ['/'] = ["..#", "..#", ".#.", "#..", "#.."],
        ['='] = ["...", "###", "...", "###", "..."],
        ['+'] = ["...", ".#.", "###", ".#.", "..."],
        ['x'] = ["...", "#.#", ".#.", "#.#", "..."],
        ['('] = [".#.", "#..", "#..", "#..", ".#."],
        [')'] = [".#.", "..#", "..#", "..#", ".#."],
        ['a'] = ["###", "#.#", "###", "#.#", "#.#"],
        ['b'] = ["##.", "#.#", "##.", "#.#", "##."],
        ['c'] = ["###", "#..", "#..", "#..", "###"],
        ['d'] = ["##.", "#.#", "#.#", "#.#", "##."],
        ['e'] = ["###", "#..", "##.", "#..", "###"],
        ['f'] = ["###", "#..", "##.", "#..", "#.."],
        ['g'] = ["###", "#..", "#.#", "#.#", "###"],
        ['h'] = ["#.#", "#.#", "###", "#.#", "#.#"],
        ['i'] = ["###", ".#.", ".#.", ".#.", "###"],
        ['k'] = ["#.#", "#.#", "##.", "#.#", "#.#"],
        ['l'] = ["#..", "#..", "#..", "#..", "###"],
        ['m'] = ["#.#", "###", "###", "#.#", "#.#"],
        ['n'] = ["##.", "#.#", "#.#", "#.#", "#.#"],
        ['o'] = ["###", "#.#", "#.#", "#.#", "###"],
        ['p'] = ["###", "#.#", "###", "#..", "#.."],
        ['r'] = ["##.", "#.#", "##.", "#.#", "#.#"],
        ['s'] = ["###", "#..", "###", "..#", "###"],
        ['t'] = ["###", ".#.", ".#.", ".#.", ".#."],
        ['u'] = ["#.#", "#.#", "#.#", "#.#", "###"],
        ['v'] = ["#.#", "#.#", "#.#", "#.#", ".#."],
        ['w'] = ["#.#", "#.#", "###", "###", "#.#"],
        ['y'] = ["#.#", "#.#", ".#.", ".#.", ".#."],
    };
}

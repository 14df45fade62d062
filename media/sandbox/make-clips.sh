#!/bin/sh
# Makes the two clips `sandbox/video` serves (src/sandbox/endpoints/video.ts): 2 seconds of ffmpeg's
# moving test pattern (testsrc2) at 160x120, 15 fps, no audio track. The MP4 is H.264 (constrained
# baseline, yuv420p) with its index at the front (+faststart), so a <video> starts before the whole
# file arrives; no AAC track, since VS Code's webviews cannot decode AAC. The WebM is VP8.
# Run from anywhere with ffmpeg installed (made with ffmpeg 5.1); the clips are committed, so
# neither the build nor CI needs ffmpeg. Bit-exact flags keep the output free of encoder versions.
set -eu
cd "$(dirname "$0")"
SOURCE="testsrc2=size=160x120:rate=15:duration=2"

ffmpeg -y -hide_banner -loglevel error -f lavfi -i "$SOURCE" \
  -an -c:v libx264 -profile:v baseline -level 3.0 -pix_fmt yuv420p -preset veryslow -crf 30 \
  -movflags +faststart -map_metadata -1 -fflags +bitexact -flags:v +bitexact \
  sandbox-clip.mp4

ffmpeg -y -hide_banner -loglevel error -f lavfi -i "$SOURCE" \
  -an -c:v libvpx -b:v 150k -deadline good -cpu-used 0 \
  -map_metadata -1 -fflags +bitexact -flags:v +bitexact \
  sandbox-clip.webm

#ifndef NETS_CODECS_H
#define NETS_CODECS_H

#include <stddef.h>

/// A decoded or encoded buffer and, on failure, what went wrong. Free `data` with codecs_free.
typedef struct {
    unsigned char *data;
    size_t size;
    int width, height, channels;
    char error[256];
} codecs_buffer;

/// Decodes a JPEG file held in memory to 8-bit gray (1 channel) or RGB (3 channels).
/// Returns 0 on success; otherwise fills `error`. An image of more than `max_samples`
/// samples (width x height x channels) is refused from its header, before decoding; so is a
/// cut-off file and a progressive file of more than 1000 scans.
int codecs_decode_jpeg(const unsigned char *bytes, size_t size, size_t max_samples, codecs_buffer *out);

/// Decodes a PNG file held in memory to 8-bit gray, gray+alpha, RGB or RGBA (palettes and
/// transparency expanded, 16-bit samples cut to 8, no gamma correction). An image of more than
/// `max_samples` samples is refused from its header (and libpng's user limits), before decoding.
int codecs_decode_png(const unsigned char *bytes, size_t size, size_t max_samples, codecs_buffer *out);

/// Encodes 8-bit interleaved samples (1, 2, 3 or 4 channels) as PNG into out->data.
int codecs_encode_png(const unsigned char *pixels, int width, int height, int channels, codecs_buffer *out);

/// Encodes 8-bit gray or RGB samples as JPEG at the given quality (1-100) into out->data;
/// a progressive JPEG when `progressive` is nonzero.
int codecs_encode_jpeg(const unsigned char *pixels, int width, int height, int channels, int quality, int progressive,
                       codecs_buffer *out);

void codecs_free(void *p);

#endif

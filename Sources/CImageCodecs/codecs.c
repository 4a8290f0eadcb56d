// Thin wrappers over libjpeg(-turbo) and libpng that report errors as return codes: libjpeg's
// error handler must long-jump, which Swift cannot do, so that part lives here in C.
#include "codecs.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char *message;
} jpeg_failure;

static void jpeg_fail(j_common_ptr info) {
    jpeg_failure *f = (jpeg_failure *)info->err;
    (*info->err->format_message)(info, f->message);
    longjmp(f->jump, 1);
}

static void jpeg_quiet(j_common_ptr info, int level) { (void)info; (void)level; }

/// Routes libjpeg's errors to `failure` (which long-jumps) with the text in `message`.
static struct jpeg_error_mgr *jpeg_failures(jpeg_failure *failure, char *message) {
    struct jpeg_error_mgr *err = jpeg_std_error(&failure->base);
    failure->base.error_exit = jpeg_fail;
    failure->base.emit_message = jpeg_quiet;
    failure->message = message;
    return err;
}

static int fail(codecs_buffer *out, const char *message) {
    snprintf(out->error, sizeof out->error, "%s", message);
    return 1;
}

int codecs_decode_jpeg(const unsigned char *bytes, size_t size, codecs_buffer *out) {
    memset(out, 0, sizeof *out);
    struct jpeg_decompress_struct info;
    jpeg_failure failure;
    char message[JMSG_LENGTH_MAX] = "";
    info.err = jpeg_failures(&failure, message);
    unsigned char *volatile pixels = NULL;
    unsigned char *volatile row = NULL;
    if (setjmp(failure.jump)) {
        jpeg_destroy_decompress(&info);
        free(pixels);
        free(row);
        return fail(out, message);
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, bytes, (unsigned long)size);
    jpeg_read_header(&info, TRUE);
    int cmyk = info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK;
    if (cmyk) info.out_color_space = JCS_CMYK;
    else if (info.num_components == 1) info.out_color_space = JCS_GRAYSCALE;
    else info.out_color_space = JCS_RGB;
    jpeg_start_decompress(&info);
    int w = (int)info.output_width, h = (int)info.output_height, n = info.output_components;
    if (w <= 0 || h <= 0 || (size_t)w * (size_t)h > ((size_t)1 << 28)) {
        jpeg_destroy_decompress(&info);
        return fail(out, "image dimensions out of range");
    }
    int channels = cmyk ? 3 : n;
    pixels = malloc((size_t)w * h * channels);
    row = malloc((size_t)w * n);
    if (!pixels || !row) {
        jpeg_destroy_decompress(&info);
        free(pixels);
        free(row);
        return fail(out, "out of memory");
    }
    while (info.output_scanline < info.output_height) {
        size_t y = info.output_scanline;
        JSAMPROW rows[1] = {row};
        jpeg_read_scanlines(&info, rows, 1);
        unsigned char *dst = pixels + y * (size_t)w * channels;
        if (cmyk) {
            // Adobe writes CMYK inverted: each sample is 255 - ink.
            for (int x = 0; x < w; x++) {
                unsigned k = row[x * 4 + 3];
                for (int c = 0; c < 3; c++) dst[x * 3 + c] = (unsigned char)((row[x * 4 + c] * k + 127) / 255);
            }
        } else {
            memcpy(dst, row, (size_t)w * n);
        }
    }
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    free(row);
    out->data = pixels;
    out->size = (size_t)w * h * channels;
    out->width = w;
    out->height = h;
    out->channels = channels;
    return 0;
}

int codecs_decode_png(const unsigned char *bytes, size_t size, codecs_buffer *out) {
    memset(out, 0, sizeof *out);
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, bytes, size)) return fail(out, image.message);
    int color = (image.format & PNG_FORMAT_FLAG_COLOR) != 0, alpha = (image.format & PNG_FORMAT_FLAG_ALPHA) != 0;
    image.format = color ? (alpha ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB) : (alpha ? PNG_FORMAT_GA : PNG_FORMAT_GRAY);
    if ((size_t)image.width * image.height > ((size_t)1 << 28)) {
        png_image_free(&image);
        return fail(out, "image dimensions out of range");
    }
    size_t total = PNG_IMAGE_SIZE(image);
    unsigned char *pixels = malloc(total);
    if (!pixels) {
        png_image_free(&image);
        return fail(out, "out of memory");
    }
    if (!png_image_finish_read(&image, NULL, pixels, 0, NULL)) {
        free(pixels);
        return fail(out, image.message);
    }
    out->data = pixels;
    out->size = total;
    out->width = (int)image.width;
    out->height = (int)image.height;
    out->channels = (int)PNG_IMAGE_PIXEL_CHANNELS(image.format);
    return 0;
}

int codecs_encode_png(const unsigned char *pixels, int width, int height, int channels, codecs_buffer *out) {
    memset(out, 0, sizeof *out);
    static const png_uint_32 formats[] = {PNG_FORMAT_GRAY, PNG_FORMAT_GA, PNG_FORMAT_RGB, PNG_FORMAT_RGBA};
    if (channels < 1 || channels > 4) return fail(out, "PNG needs 1 to 4 channels");
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = (png_uint_32)width;
    image.height = (png_uint_32)height;
    image.format = formats[channels - 1];
    png_alloc_size_t size = 0;
    if (!png_image_write_to_memory(&image, NULL, &size, 0, pixels, 0, NULL)) return fail(out, image.message);
    unsigned char *data = malloc(size);
    if (!data) return fail(out, "out of memory");
    if (!png_image_write_to_memory(&image, data, &size, 0, pixels, 0, NULL)) {
        free(data);
        return fail(out, image.message);
    }
    out->data = data;
    out->size = size;
    out->width = width;
    out->height = height;
    out->channels = channels;
    return 0;
}

int codecs_encode_jpeg(const unsigned char *pixels, int width, int height, int channels, int quality,
                       codecs_buffer *out) {
    memset(out, 0, sizeof *out);
    if (channels != 1 && channels != 3) return fail(out, "JPEG needs gray or RGB samples");
    struct jpeg_compress_struct info;
    jpeg_failure failure;
    char message[JMSG_LENGTH_MAX] = "";
    info.err = jpeg_failures(&failure, message);
    unsigned char *volatile data = NULL;
    unsigned long volatile size = 0;
    if (setjmp(failure.jump)) {
        jpeg_destroy_compress(&info);
        free(data);
        return fail(out, message);
    }
    jpeg_create_compress(&info);
    unsigned char *buffer = NULL;
    unsigned long length = 0;
    jpeg_mem_dest(&info, &buffer, &length);
    info.image_width = (JDIMENSION)width;
    info.image_height = (JDIMENSION)height;
    info.input_components = channels;
    info.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, quality, TRUE);
    jpeg_start_compress(&info, TRUE);
    while (info.next_scanline < info.image_height) {
        JSAMPROW rows[1] = {(JSAMPROW)(pixels + (size_t)info.next_scanline * width * channels)};
        jpeg_write_scanlines(&info, rows, 1);
    }
    jpeg_finish_compress(&info);
    data = buffer;
    size = length;
    jpeg_destroy_compress(&info);
    out->data = data;
    out->size = size;
    out->width = width;
    out->height = height;
    out->channels = channels;
    return 0;
}

void codecs_free(void *p) { free(p); }

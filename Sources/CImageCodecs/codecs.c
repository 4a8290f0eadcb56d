// Thin wrappers over libjpeg(-turbo) and libpng that report errors as return codes: libjpeg's
// error handler must long-jump, which Swift cannot do, so that part lives here in C.
#include "codecs.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>
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

/// Warnings are quiet, except that the data ran out: libjpeg would pad the image with gray,
/// but a cut-off file is an error here (as in Pillow).
static void jpeg_warn(j_common_ptr info, int level) {
    if (level < 0 && info->err->msg_code == JWRN_JPEG_EOF) jpeg_fail(info);
}

/// Routes libjpeg's errors to `failure` (which long-jumps) with the text in `message`.
static struct jpeg_error_mgr *jpeg_failures(jpeg_failure *failure, char *message) {
    struct jpeg_error_mgr *err = jpeg_std_error(&failure->base);
    failure->base.error_exit = jpeg_fail;
    failure->base.emit_message = jpeg_warn;
    failure->message = message;
    return err;
}

/// The most scans a progressive JPEG may have: each scan is another pass over the whole
/// image, so a file of thousands of tiny scans would take minutes to decode.
enum { jpeg_max_scans = 1000 };

static void jpeg_count_scans(j_common_ptr info) {
    if (info->is_decompressor && ((j_decompress_ptr)info)->input_scan_number > jpeg_max_scans) {
        jpeg_failure *f = (jpeg_failure *)info->err;
        snprintf(f->message, JMSG_LENGTH_MAX, "the JPEG has more than %d scans", jpeg_max_scans);
        longjmp(f->jump, 1);
    }
}

static int fail(codecs_buffer *out, const char *message) {
    snprintf(out->error, sizeof out->error, "%s", message);
    return 1;
}

static int too_large(codecs_buffer *out, size_t width, size_t height, size_t channels, size_t max_samples) {
    snprintf(out->error, sizeof out->error,
             "a %zux%zu image of %zu channels exceeds the decoding budget of %zu samples", width, height, channels,
             max_samples);
    return 1;
}

int codecs_decode_jpeg(const unsigned char *bytes, size_t size, size_t max_samples, codecs_buffer *out) {
    memset(out, 0, sizeof *out);
    struct jpeg_decompress_struct info;
    jpeg_failure failure;
    struct jpeg_progress_mgr progress = {0};
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
    progress.progress_monitor = jpeg_count_scans;
    info.progress = &progress;
    // libjpeg's own buffers (a progressive image keeps all its coefficients, 2 bytes a sample
    // of each component) are capped in proportion to the budget.
    info.mem->max_memory_to_use = (long)(max_samples < ((size_t)1 << 40) ? max_samples * 3 + ((size_t)64 << 20) : ((size_t)1 << 42));
    jpeg_mem_src(&info, bytes, (unsigned long)size);
    if (jpeg_read_header(&info, TRUE) != JPEG_HEADER_OK) {
        jpeg_destroy_decompress(&info);
        return fail(out, "the JPEG holds no image");
    }
    int cmyk = info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK;
    if (cmyk) info.out_color_space = JCS_CMYK;
    else if (info.num_components == 1) info.out_color_space = JCS_GRAYSCALE;
    else info.out_color_space = JCS_RGB;
    // The size is known from the header: refuse before libjpeg allocates anything for the image.
    jpeg_calc_output_dimensions(&info);
    size_t w = info.output_width, h = info.output_height, n = (size_t)info.output_components;
    size_t channels = cmyk ? 3 : n;
    if (w == 0 || h == 0 || n == 0 || n > 4) {
        jpeg_destroy_decompress(&info);
        return fail(out, "image dimensions out of range");
    }
    if (w > max_samples || h > max_samples / w || channels > max_samples / (w * h) || w > 0x7fffffff || h > 0x7fffffff) {
        jpeg_destroy_decompress(&info);
        return too_large(out, w, h, channels, max_samples);
    }
    jpeg_start_decompress(&info);
    if (info.output_width != w || info.output_height != h || (size_t)info.output_components != n) {
        jpeg_destroy_decompress(&info);
        return fail(out, "the JPEG changed size while decoding");
    }
    pixels = malloc(w * h * channels);
    row = malloc(w * n);
    if (!pixels || !row) {
        jpeg_destroy_decompress(&info);
        free(pixels);
        free(row);
        return fail(out, "out of memory");
    }
    while (info.output_scanline < info.output_height) {
        size_t y = info.output_scanline;
        JSAMPROW rows[1] = {row};
        if (jpeg_read_scanlines(&info, rows, 1) != 1) {
            jpeg_destroy_decompress(&info);
            free(pixels);
            free(row);
            return fail(out, "the JPEG data is cut off");
        }
        unsigned char *dst = pixels + y * w * channels;
        if (cmyk) {
            // Adobe writes CMYK inverted: each sample is 255 - ink.
            for (size_t x = 0; x < w; x++) {
                unsigned k = row[x * 4 + 3];
                for (int c = 0; c < 3; c++) dst[x * 3 + c] = (unsigned char)((row[x * 4 + c] * k + 127) / 255);
            }
        } else {
            memcpy(dst, row, w * n);
        }
    }
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    free(row);
    out->data = pixels;
    out->size = w * h * channels;
    out->width = (int)w;
    out->height = (int)h;
    out->channels = (int)channels;
    return 0;
}

/// PNG bytes held in memory, read through libpng's read callback.
typedef struct {
    const unsigned char *bytes;
    size_t size, offset;
} png_source;

static void png_read_memory(png_structp png, png_bytep into, size_t length) {
    png_source *source = (png_source *)png_get_io_ptr(png);
    if (length > source->size - source->offset) png_error(png, "the PNG data is cut off");
    memcpy(into, source->bytes + source->offset, length);
    source->offset += length;
}

enum { png_message_length = 200 };

static void png_fail(png_structp png, png_const_charp message) {
    snprintf((char *)png_get_error_ptr(png), png_message_length, "%s", message);
    png_longjmp(png, 1);
}

static void png_quiet(png_structp png, png_const_charp message) { (void)png; (void)message; }

int codecs_decode_png(const unsigned char *bytes, size_t size, size_t max_samples, codecs_buffer *out) {
    memset(out, 0, sizeof *out);
    char message[png_message_length] = "";
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, message, png_fail, png_quiet);
    if (!png) return fail(out, "out of memory");
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        return fail(out, "out of memory");
    }
    unsigned char *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        free(pixels);
        free(rows);
        return fail(out, message);
    }
    png_source source = {bytes, size, 0};
    png_set_read_fn(png, &source, png_read_memory);
    // libpng refuses wider or taller images itself, while reading the header (no side over
    // 1,000,000, libpng's default, nor over the budget); ancillary chunks (compressed text,
    // ICC profiles) are capped in number and in decompressed size.
    png_uint_32 side = max_samples < 1000000 ? (png_uint_32)max_samples : 1000000;
    png_set_user_limits(png, side, side);
    png_set_chunk_cache_max(png, 1000);
    png_set_chunk_malloc_max(png, (png_alloc_size_t)8 << 20);
    png_read_info(png, info);
    int color = png_get_color_type(png, info), depth = png_get_bit_depth(png, info);
    // To 8-bit gray, gray+alpha, RGB or RGBA, without gamma correction (as Pillow reads).
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (depth == 16) png_set_strip_16(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    size_t w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    size_t channels = png_get_channels(png, info), stride = png_get_rowbytes(png, info);
    if (w == 0 || h == 0 || channels == 0 || channels > 4 || png_get_bit_depth(png, info) != 8 || stride != w * channels) {
        png_destroy_read_struct(&png, &info, NULL);
        return fail(out, "the PNG has an unsupported layout");
    }
    if (w > max_samples || h > max_samples / w || channels > max_samples / (w * h)) {
        png_destroy_read_struct(&png, &info, NULL);
        return too_large(out, w, h, channels, max_samples);
    }
    pixels = malloc(w * h * channels);
    rows = malloc(h * sizeof(png_bytep));
    if (!pixels || !rows) {
        png_destroy_read_struct(&png, &info, NULL);
        free(pixels);
        free(rows);
        return fail(out, "out of memory");
    }
    for (size_t y = 0; y < h; y++) rows[y] = pixels + y * stride;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    out->data = pixels;
    out->size = w * h * channels;
    out->width = (int)w;
    out->height = (int)h;
    out->channels = (int)channels;
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

int codecs_encode_jpeg(const unsigned char *pixels, int width, int height, int channels, int quality, int progressive,
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
    if (progressive) jpeg_simple_progression(&info);
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

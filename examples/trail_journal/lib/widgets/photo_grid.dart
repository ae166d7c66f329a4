import 'package:flutter/material.dart';

import '../theme/insets.dart';

/// Three-column grid of hike photos; each photo opens full screen with a
/// Hero transition.
class PhotoGrid extends StatelessWidget {
  const PhotoGrid({super.key, required this.urls});

  final List<String> urls;

  @override
  Widget build(BuildContext context) {
    return GridView.builder(
      shrinkWrap: true,
      physics: const NeverScrollableScrollPhysics(),
      padding: Insets.md,
      itemCount: urls.length,
      gridDelegate: const SliverGridDelegateWithFixedCrossAxisCount(
        crossAxisCount: 3,
        mainAxisSpacing: 8,
        crossAxisSpacing: 8,
      ),
      itemBuilder: (context, index) => _buildThumb(context, urls[index]),
    );
  }

  Widget _buildThumb(BuildContext context, String url) {
    return GestureDetector(
      onTap: () => Navigator.of(context).push(
        MaterialPageRoute<void>(
          builder: (_) => FullScreenPhoto(url: url),
        ),
      ),
      child: Hero(
        tag: url,
        child: ClipRRect(
          borderRadius: BorderRadius.circular(8),
          child: Image.network(url, fit: BoxFit.cover),
        ),
      ),
    );
  }
}

/// Black full-screen viewer for one photo, with pinch to zoom.
class FullScreenPhoto extends StatelessWidget {
  const FullScreenPhoto({super.key, required this.url});

  final String url;

  @override
  Widget build(BuildContext context) {
    return Scaffold(
      backgroundColor: Colors.black,
      appBar: AppBar(
        backgroundColor: Colors.black,
        foregroundColor: Colors.white,
      ),
      body: Center(
        child: Hero(
          tag: url,
          child: InteractiveViewer(child: Image.network(url)),
        ),
      ),
    );
  }
}

import 'package:flutter/material.dart';

import '../models/trail.dart';
import '../theme/insets.dart';

// TODO: finish the map view once the tile server is sorted out.
class TrailMapView extends StatefulWidget {
  const TrailMapView({super.key, required this.trails});

  final List<Trail> trails;

  @override
  State<TrailMapView> createState() => _TrailMapViewState();
}

class _TrailMapViewState extends State<TrailMapView> {
  double _zoom = 10;

  @override
  Widget build(BuildContext context) {
    final textTheme = Theme.of(context).textTheme;
    return Stack(
      children: [
        Container(color: Colors.green.shade100),
        Positioned(
          right: 16,
          bottom: 16,
          child: Column(
            children: [
              FloatingActionButton.small(
                onPressed: () => setState(() => _zoom += 1,
                child: const Icon(Icons.add),
              ),
              const SizedBox(height: 8),
              Text('Zoom ${_zoom.toStringAsFixed(0)}', style: textTheme.labelSmall),
        ],
      ),
    );
  }

  Widget _buildMarker(Trail trail) {
    return Padding(
      padding: Insets.xs,
      child: Tooltip(
        message: trail.name,
        child: const Icon(Icons.location_on, color: Colors.red),
